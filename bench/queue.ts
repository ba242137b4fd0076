import { createServer, type Server } from "node:http";
import { performance } from "node:perf_hooks";
import { EMAIL_BATCH_MAX } from "../src/lib/budgets.js";
import { cryptoTokens } from "../src/lib/tokens.js";
import { httpMailer } from "../src/mail/http.js";
import { type LocalWorker, seedDueReminder, startLocalWorker } from "../test/support/local-worker.js";
import { reminderShape } from "./mail.js";
import { alternate } from "./paired.js";
import type { BenchContext, Measurement } from "./types.js";

/**
 * The Worker's queue path (issue 14): `reminders-queue` runs a due reminder of 10,000 registrants
 * through `wrangler dev` (local D1, the local OUTBOX_QUEUE and its consumer) to a local HTTP
 * provider in Resend's format; `provider-baseline` feeds the same provider the same number of
 * reminder-shaped messages directly, in batches of EMAIL_BATCH_MAX, one request after another
 * (as the consumer sends the batches of a chunk; it works on 4 chunks at once).
 */

const KEY = "bench-provider-key";
const TIMEOUT_MS = 300_000;

/** A counting provider in this process: /emails and /emails/batch, bearer key, distinct recipients. */
interface Provider {
  url: string;
  recipients: Set<string>;
  requests: number;
  bytes: number;
  /** performance.now() of the first request since the last reset. */
  firstAt: number;
  reset(): void;
  reached(n: number, ms: number): Promise<boolean>;
  stop(): Promise<void>;
}

async function startProvider(): Promise<Provider> {
  const p = { recipients: new Set<string>(), requests: 0, bytes: 0, firstAt: 0 };
  let waiter: { n: number; resolve: () => void } | null = null;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      res.writeHead(401).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const emails: { to: string[] }[] = req.url === "/emails/batch" ? body : [body];
    if (p.requests++ === 0) p.firstAt = performance.now();
    p.bytes += chunks.reduce((s, c) => s + c.length, 0);
    for (const e of emails) p.recipients.add(e.to[0]!);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ data: emails.map(() => ({ id: crypto.randomUUID() })) }));
    if (waiter && p.recipients.size >= waiter.n) waiter.resolve();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/emails`,
    get recipients() {
      return p.recipients;
    },
    get requests() {
      return p.requests;
    },
    get bytes() {
      return p.bytes;
    },
    get firstAt() {
      return p.firstAt;
    },
    reset() {
      p.recipients = new Set();
      p.requests = 0;
      p.bytes = 0;
    },
    reached(n, ms) {
      if (p.recipients.size >= n) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        waiter = {
          n,
          resolve: () => {
            clearTimeout(timer);
            waiter = null;
            resolve(true);
          },
        };
      });
    },
    stop: () => new Promise((r) => server.close(() => r())),
  };
}

const provider = (ctx: BenchContext) =>
  ctx.fixture("http-provider", async () => {
    const p = await startProvider();
    ctx.cleanup(() => p.stop());
    return p;
  });

function result(n: number, ms: number, p: Provider, details: Record<string, number | string>): Measurement {
  const missing = n - p.recipients.size;
  return {
    value: p.recipients.size / (ms / 1000),
    p99Ms: 0,
    requests: p.requests,
    errors: missing,
    errorDetail: missing ? `${missing} recipients never reached the provider` : "",
    details: {
      seconds: Math.round(ms) / 1000,
      requests: p.requests,
      bytesPerMessage: Math.round(p.bytes / n),
      ...details,
    },
  };
}

/** THE BASELINE: n reminder-shaped messages posted straight to the provider, 100 a request. */
export async function providerBaseline(ctx: BenchContext, n: number): Promise<Measurement> {
  const p = await provider(ctx);
  p.reset();
  const mailer = httpMailer({ url: p.url, apiKey: KEY });
  const shape = reminderShape();
  const started = performance.now();
  for (let i = 0; i < n; i += EMAIL_BATCH_MAX) {
    const batch = Array.from({ length: Math.min(EMAIL_BATCH_MAX, n - i) }, (_, k) => {
      const fill = (s: string) =>
        s
          .replaceAll("@MANAGE@", cryptoTokens.secret(24))
          .replaceAll("@JOIN@", cryptoTokens.secret(24))
          .replaceAll("@NAME@", `Attendee ${i + k}`)
          .replaceAll("@TO@", `baseline-${i + k}@example.org`);
      return { ...shape, to: fill(shape.to), text: fill(shape.text), html: fill(shape.html) };
    });
    await mailer.sendBatch!(batch, `baseline-${i}`);
  }
  return result(n, performance.now() - started, p, {});
}

/** fetch, once more after a dropped connection (wrangler dev's proxy may close a kept-alive socket). */
async function call(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    try {
      return await fetch(url, init);
    } catch (again) {
      const cause = (again as { cause?: unknown }).cause;
      throw new Error(`${url}: ${again instanceof Error ? again.message : again} (${cause})`);
    }
  }
}

/** Rounds of the paired reminders-queue row: each a fresh reminder of n and a baseline run of n. */
export const QUEUE_ROUNDS = 5;

/**
 * wrangler dev on a fresh local D1; each round gives it an event with `n` confirmed registrants
 * and a due reminder, timed from the scheduled event to the provider having seen all `n`
 * recipients, and runs the provider baseline beside it (bench/paired.ts `alternate`): the
 * baseline alone swung from 5,744 to 8,133 msgs/s between runs minutes apart, more than the
 * margin measured. The ratio is the median of the rounds' ratios.
 */
export async function remindersQueue(ctx: BenchContext, n: number): Promise<Measurement> {
  const p = await provider(ctx);
  // The conformance suite's local Worker, its mail pointed at the counting provider.
  const worker = await startLocalWorker({ EMAIL_API_URL: p.url, EMAIL_API_KEY: KEY });
  try {
    let round = 0;
    const firsts: number[] = [];
    const measured = await alternate(
      () => providerBaseline(ctx, n),
      async () => {
        const m = await reminderRound(worker, p, n, ++round);
        firsts.push(Number(m.details?.firstBatchSeconds));
        return m;
      },
      "baselineMsgsPerS",
      QUEUE_ROUNDS,
    );
    return {
      ...measured,
      details: { ...measured.details, rounds: QUEUE_ROUNDS, firstBatchSeconds: firsts.join(" ") },
    };
  } finally {
    await worker.stop();
  }
}

/** One round: a new event of `n` registrants (ids and addresses of this round), its reminder run. */
async function reminderRound(
  worker: LocalWorker,
  p: Provider,
  n: number,
  round: number,
): Promise<Measurement> {
  const { baseUrl: base, apiKey: key } = worker;
  const api = async (path: string, body?: unknown) => {
    const res = await call(`${base}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as { id: string; slug: string };
  };
  const startsAt = new Date(Date.now() + 2 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
  const event = await api("/api/v1/events", {
    title: `Queue bench ${round}`,
    startsAt,
    timeZone: "America/New_York",
    reminders: ["PT1H"],
    joinUrl: "https://zoom.example.com/j/1",
  });
  await api(`/api/v1/events/${event.slug}/publish`);
  await seedDueReminder(worker, event.id, n, String(round));
  p.reset();
  const started = performance.now();
  const cron = await call(`${base}/__scheduled?cron=*+*+*+*+*`);
  if (!cron.ok) throw new Error(`the scheduled event answered ${cron.status}`);
  await p.reached(n, TIMEOUT_MS);
  return result(n, performance.now() - started, p, {
    firstBatchSeconds: Math.round(p.firstAt - started) / 1000,
  });
}
