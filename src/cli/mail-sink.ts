import { createServer, type Server } from "node:http";
import type { MailMessage } from "../deps.js";
import { emlMailer } from "../mail/eml.js";

interface ProviderBody {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content_type?: string; content: string }[];
}

/**
 * A local stand-in for the HTTP email provider (Resend's request format: POST /emails, and
 * POST /emails/batch with a JSON array), for `npm run dev:worker`: each message becomes an .eml
 * file in `dir`, as `npm start` writes them, so the local Worker's mail can be read. It checks
 * the bearer key and answers 422 to a body that is not in the provider's format.
 */
export function startMailSink(dir: string, key: string): Promise<{ server: Server; url: string }> {
  const mailer = emlMailer(dir);
  const server = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || !["/emails", "/emails/batch"].includes(req.url ?? "")) {
      return answer(404, { message: "not found" });
    }
    if (req.headers.authorization !== `Bearer ${key}`) return answer(401, { message: "bad key" });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let bodies: ProviderBody[];
    try {
      const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      bodies = req.url === "/emails/batch" ? parsed : [parsed];
      if (!bodies.every((b) => Array.isArray(b.to) && b.from && b.subject && b.text)) throw new Error();
    } catch {
      return answer(422, { message: "not a send request in the provider's format" });
    }
    const ids: string[] = [];
    for (const body of bodies) {
      const message = toMessage(body, String(req.headers["idempotency-key"] ?? ""));
      await mailer.send(message);
      ids.push(message.messageId);
    }
    answer(200, req.url === "/emails/batch" ? { data: ids.map((id) => ({ id })) } : { id: ids[0] });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}/emails` });
    }),
  );
}

function toMessage(body: ProviderBody, idempotencyKey: string): MailMessage {
  const { "Message-ID": messageId = `<${crypto.randomUUID()}@mail-sink>`, ...headers } = body.headers ?? {};
  return {
    from: body.from,
    to: body.to[0]!,
    subject: body.subject,
    text: body.text,
    html: body.html,
    headers,
    messageId,
    idempotencyKey,
    attachments: (body.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.content_type ?? "application/octet-stream",
      content: Buffer.from(a.content, "base64"),
    })),
  };
}
