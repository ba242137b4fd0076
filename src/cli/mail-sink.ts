import { createServer, type Server } from "node:http";
import type { MailMessage } from "../deps.js";
import { emlMailer } from "../mail/eml.js";

interface ProviderBody {
  from: string;
  to: string | string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content_type?: string; content: string }[];
}

/** One accepted send request, as the sink saw it (for tests that read what the provider got). */
export interface SinkDelivery {
  /** The accepted request it came in (a batch brings several messages in one). */
  request: number;
  path: "/emails" | "/emails/batch";
  idempotencyKey: string;
  message: MailMessage;
}

/** Resend's published limits: 100 emails per batch, 50 recipients, idempotency keys of 256. */
const MAX_BATCH = 100;
const MAX_RECIPIENTS = 50;
const MAX_IDEMPOTENCY_KEY = 256;

/**
 * A local stand-in for the HTTP email provider (Resend's request format: POST /emails, and
 * POST /emails/batch with a JSON array), for `npm run dev:worker` and the conformance suite:
 * each message becomes an .eml file in `dir`, as `npm start` writes them, so the local Worker's
 * mail can be read. It holds requests to the published format, so that a request the real
 * provider would refuse fails here too: `Authorization: Bearer <key>` (401), a JSON body (400),
 * an Idempotency-Key of at most 256 characters (422: Convene sends one with every request, its
 * exactly-once guarantee after a crash rests on it), `from`, `to` (an address or 1 to 50),
 * `subject`, `html` or `text`, and on the batch endpoint 1 to 100 emails without attachments
 * (the provider does not take attachments in a batch). `onDelivery` sees each accepted message.
 */
export function startMailSink(
  dir: string,
  key: string,
  options: { onDelivery?: (delivery: SinkDelivery) => void } = {},
): Promise<{ server: Server; url: string }> {
  const mailer = emlMailer(dir);
  let requests = 0;
  // Resend keeps each Idempotency-Key for 24 h (per endpoint): the same request again is answered
  // as before and sends nothing; the same key with another body is refused with 409
  // invalid_idempotent_request. Kept for the sink's life.
  const seen = new Map<string, { body: string; answer: unknown }>();
  const server = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const path = req.url;
    if (req.method !== "POST" || (path !== "/emails" && path !== "/emails/batch")) {
      return answer(404, { message: "not found" });
    }
    if (req.headers.authorization !== `Bearer ${key}`) return answer(401, { message: "bad key" });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (!String(req.headers["content-type"] ?? "").startsWith("application/json")) {
      return answer(415, { message: "the body must be application/json" });
    }
    const idempotencyKey = String(req.headers["idempotency-key"] ?? "");
    if (!idempotencyKey || idempotencyKey.length > MAX_IDEMPOTENCY_KEY) {
      return answer(422, {
        message: `an Idempotency-Key of 1 to ${MAX_IDEMPOTENCY_KEY} characters is required`,
      });
    }
    const raw = Buffer.concat(chunks).toString("utf8");
    const before = seen.get(`${path} ${idempotencyKey}`);
    if (before) {
      if (before.body === raw) return answer(200, before.answer);
      return answer(409, {
        statusCode: 409,
        name: "invalid_idempotent_request",
        message: "Same idempotency key used with a different request payload.",
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return answer(400, { message: "the body is not JSON" });
    }
    const bodies = path === "/emails/batch" ? parsed : [parsed];
    const problem = formatProblem(bodies, path === "/emails/batch");
    if (problem) return answer(422, { message: problem });
    const ids: string[] = [];
    const request = ++requests;
    for (const body of bodies as ProviderBody[]) {
      const message = toMessage(body, idempotencyKey);
      await mailer.send(message);
      options.onDelivery?.({ request, path, idempotencyKey, message });
      ids.push(message.messageId);
    }
    const accepted = path === "/emails/batch" ? { data: ids.map((id) => ({ id })) } : { id: ids[0] };
    seen.set(`${path} ${idempotencyKey}`, { body: raw, answer: accepted });
    answer(200, accepted);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}/emails` });
    }),
  );
}

const text = (v: unknown) => typeof v === "string" && v.length > 0;

/** What the provider would refuse in these bodies, or null. */
export function formatProblem(bodies: unknown, batch: boolean): string | null {
  if (!Array.isArray(bodies)) return "the batch body must be a JSON array";
  if (bodies.length < 1 || bodies.length > MAX_BATCH) return `a batch holds 1 to ${MAX_BATCH} emails`;
  for (const [i, b] of (bodies as Record<string, unknown>[]).entries()) {
    const at = batch ? `[${i}].` : "";
    if (typeof b !== "object" || b === null || Array.isArray(b))
      return `${at || "the body"}: an email must be a JSON object`;
    if (!text(b.from)) return `${at}from is required`;
    const to = typeof b.to === "string" ? [b.to] : b.to;
    if (!Array.isArray(to) || to.length < 1 || to.length > MAX_RECIPIENTS || !to.every(text)) {
      return `${at}to must be an address or 1 to ${MAX_RECIPIENTS} addresses`;
    }
    if (!text(b.subject)) return `${at}subject is required`;
    if (!text(b.html) && !text(b.text)) return `${at}html or text is required`;
    if (batch && b.attachments !== undefined) return `${at}attachments are not accepted in a batch`;
  }
  return null;
}

function toMessage(body: ProviderBody, idempotencyKey: string): MailMessage {
  const { "Message-ID": messageId = `<${crypto.randomUUID()}@mail-sink>`, ...headers } = body.headers ?? {};
  return {
    from: body.from,
    to: typeof body.to === "string" ? body.to : body.to[0]!,
    subject: body.subject,
    text: body.text ?? "",
    html: body.html ?? "",
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
