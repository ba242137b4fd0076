import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import type { Deps } from "../../src/deps.js";
import { createApiKey } from "../../src/features/auth/service.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { SettableClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/log.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import { openNodeDb } from "../../src/runtime/node-deps.js";
import { linkToken, mailbox } from "./mailbox.js";

/**
 * The real app on a real socket (127.0.0.1, a free port), for tests that drive a browser: a
 * migrated in-memory libsql database, a settable clock and an admin key.
 */
export async function startServer(options: { now?: string } = {}) {
  const config = parseConfig({ DATABASE_URL: ":memory:", LOG_LEVEL: "silent", REGISTRATION_RATE_LIMIT: "0" });
  const { db, close: closeDb } = await openNodeDb(config);
  const clock = new SettableClock(options.now ?? "2026-01-15T12:00:00Z");
  const inbox = mailbox();
  const deps: Deps = {
    db,
    clock,
    mailer: inbox.mailer,
    config,
    tokens: cryptoTokens,
    log: silentLogger,
    clientAddress: (c) => getConnInfo(c).remote.address,
  };
  const app = createApp(deps);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
        resolve({ server: s, port: info.port }),
      );
      s.once("error", reject);
    },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  // Links in pages (manage URL, JSON-LD) must point at this very server.
  config.PUBLIC_URL = baseUrl;
  const { key } = await createApiKey(deps, { name: "browser test", scopes: ["admin"] });

  /** Calls the JSON API as staff, failing loudly. */
  async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async function close() {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    closeDb();
  }

  /** Sends what is due and opens the newest email to `email` with a manage link: its URL. */
  async function manageUrlFromEmail(email: string): Promise<string> {
    await runDueWork(deps);
    const message = inbox.messages.findLast((m) => m.to.includes(email) && linkToken(m.text, "r"));
    if (!message) throw new Error(`no email with a manage link reached ${email}`);
    return `${baseUrl}/r/${linkToken(message.text, "r")}`;
  }

  return { baseUrl, deps, clock, api, close, inbox, manageUrlFromEmail };
}

export type TestServer = Awaited<ReturnType<typeof startServer>>;
