import { createClient } from "@libsql/client/web";
import { createApp } from "./app.js";
import { parseConfig } from "./config.js";
import { type Db, d1Db, libsqlDb } from "./db/client.js";
import { noopMailer } from "./deps.js";
import { systemClock } from "./lib/clock.js";
import { jsonLogger } from "./lib/log.js";
import { cryptoTokens } from "./lib/tokens.js";

export interface Env {
  DB: D1Database;
  [key: string]: unknown;
}

let cached: { env: Env; app: ReturnType<typeof createApp> } | undefined;

/** Worker entry: build deps from bindings once per isolate; D1 unless DATABASE_URL names a libsql server. */
function appFor(env: Env) {
  if (cached?.env === env) return cached.app;
  const vars = Object.fromEntries(Object.entries(env).filter(([, v]) => typeof v === "string"));
  const config = parseConfig(vars);
  const db: Db =
    typeof env.DATABASE_URL === "string" && env.DATABASE_URL
      ? libsqlDb(createClient({ url: config.DATABASE_URL, authToken: config.DATABASE_AUTH_TOKEN }))
      : d1Db(env.DB);
  const app = createApp({
    db,
    clock: systemClock,
    mailer: noopMailer,
    config,
    tokens: cryptoTokens,
    log: jsonLogger(config.LOG_LEVEL),
  });
  cached = { env, app };
  return app;
}

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    return appFor(env).fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
