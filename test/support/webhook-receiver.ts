import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 (an ephemeral port), recording every request; `answer`
 * decides the response per request (200 by default) and may be changed at any time.
 */
export async function startReceiver(
  answer: (req: IncomingMessage, res: ServerResponse, body: string) => void = (_q, res) => res.end("ok"),
) {
  const received: Received[] = [];
  const state = { answer };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v)]),
      );
      received.push({ path: req.url ?? "/", headers, body, at: performance.now() });
      state.answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = "/hook") => `http://127.0.0.1:${port}${path}`,
    received,
    answerWith(f: typeof answer) {
      state.answer = f;
    },
    /** Stops listening and drops every connection (hanging ones included). */
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
