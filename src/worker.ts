import { createClient } from "@libsql/client/web";
import { createApp } from "./app.js";
import { type Config, parseConfig } from "./config.js";
import { type Db, d1Db, libsqlDb } from "./db/client.js";
import type { DeliveryChunk, DeliveryQueue, Deps, Mailer } from "./deps.js";
import { logDueWork, runDueWork } from "./jobs/due-work.js";
import { deliverQueued } from "./jobs/queued-delivery.js";
import { systemClock } from "./lib/clock.js";
import { jsonLogger } from "./lib/log.js";
import { cryptoTokens } from "./lib/tokens.js";
import { httpMailer, unconfiguredMailer } from "./mail/http.js";

export interface Env {
  DB: D1Database;
  /** The outbox's delivery queue (wrangler.toml); without it the cron sends in-process. */
  OUTBOX_QUEUE?: Queue<DeliveryChunk>;
  [key: string]: unknown;
}

let cached: { env: Env; deps: Deps; app: ReturnType<typeof createApp> } | undefined;

/**
 * Mail at the edge goes through the HTTP provider. Without a key every send fails, so messages
 * retry and end dead (visible to staff) instead of disappearing.
 */
function workerMailer(config: Config): Mailer {
  return config.EMAIL_API_KEY
    ? httpMailer({ url: config.EMAIL_API_URL, apiKey: config.EMAIL_API_KEY })
    : unconfiguredMailer;
}

/** The producer binding as the due work's delivery queue (JSON bodies: chunks of outbox ids). */
function deliveryQueue(queue: Queue<DeliveryChunk> | undefined): DeliveryQueue | undefined {
  if (!queue) return undefined;
  return {
    sendBatch: async (chunks) => {
      await queue.sendBatch(chunks.map((body) => ({ body, contentType: "json" })));
    },
  };
}

/** Worker entry: build deps from bindings once per isolate; D1 unless DATABASE_URL names a libsql server. */
function runtimeFor(env: Env) {
  if (cached?.env === env) return cached;
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string"));
  const config = parseConfig(vars);
  const db: Db =
    typeof env.DATABASE_URL === "string" && env.DATABASE_URL
      ? libsqlDb(createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN }))
      : d1Db(env.DB);
  const deps: Deps = {
    db,
    clock: systemClock,
    mailer: workerMailer(config),
    config,
    tokens: cryptoTokens,
    log: jsonLogger(config.LOG_LEVEL),
    // Set by Cloudflare's edge on every request (a client's own header of that name is
    // replaced), so it is the client; without it every request would share one budget.
    clientAddress: (c) => c.req.header("cf-connecting-ip"),
    platformCompression: true,
    deliveryQueue: deliveryQueue(env.OUTBOX_QUEUE),
  };
  cached = { env, deps, app: createApp(deps) };
  return cached;
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const runtime = runtimeFor(env);
    // Without PUBLIC_URL (wrangler dev on any port), links point where the request came.
    if (!runtime.deps.config.publicUrlGiven) runtime.deps.config.PUBLIC_URL = new URL(request.url).origin;
    return runtime.app.fetch(request, env, ctx);
  },
  /** The Cron Trigger (every minute, wrangler.toml): outbox and housekeeping. */
  scheduled(_controller: ScheduledController, env: Env, ctx: ExecutionContext) {
    const { deps } = runtimeFor(env);
    ctx.waitUntil(
      runDueWork(deps).then(
        (r) => {
          logDueWork(deps, r);
        },
        (err: unknown) => {
          deps.log("error", "due work failed", { error: err instanceof Error ? err.message : String(err) });
          throw err;
        },
      ),
    );
  },
  /** The OUTBOX_QUEUE consumer: each message is a chunk of claimed outbox rows, sent in one batch request. */
  async queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext) {
    const { deps } = runtimeFor(env);
    const report = await deliverQueued(deps, batch.messages);
    if (report.claimed) deps.log("info", "outbox chunks delivered", { ...report });
  },
} satisfies ExportedHandler<Env, unknown>;
