import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { BenchContext } from "./types.js";

/**
 * Three enabled webhook endpoints that want registration.created, pointed at a receiver in this
 * process (answers 204 at once), for the registration-webhooks row: each registration then
 * queues its webhook message in its batch. `setEnabled` turns all three on or off (the row
 * alternates); `stop` disables them after the row, so later rows on the same server measure
 * registration as it was.
 */
export async function webhookEndpoints(ctx: BenchContext) {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      received++;
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  ctx.cleanup(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const res = await ctx.api("POST", "/api/v1/webhooks/endpoints", {
      auth: true,
      body: { url: `http://127.0.0.1:${port}/hook-${i}`, eventTypes: ["registration.created"] },
    });
    if (res.status !== 201) throw new Error(`POST /api/v1/webhooks/endpoints answered ${res.status}`);
    ids.push(String(res.body.id));
  }
  const setEnabled = async (enabled: boolean) => {
    for (const id of ids) {
      const res = await ctx.api("PATCH", `/api/v1/webhooks/endpoints/${id}`, {
        auth: true,
        body: { enabled },
      });
      if (res.status !== 200)
        throw new Error(`PATCH /api/v1/webhooks/endpoints/${id} answered ${res.status}`);
    }
  };
  return {
    received: () => received,
    setEnabled,
    stop: () => setEnabled(false),
  };
}
