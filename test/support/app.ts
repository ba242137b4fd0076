import { freshDb } from "#test-db";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import type { Scope } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { createApiKey } from "../../src/features/auth/service.js";
import { SettableClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/log.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import { mailbox } from "./mailbox.js";

export { engine } from "#test-db";

export interface TestResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * The test-app factory: a fresh migrated database (in-memory libsql on Node, D1 in workerd),
 * a settable clock and the real app, plus helpers that read like the API they call.
 */
export async function createTestApp(
  options: { now?: string; deps?: Partial<Deps>; env?: Record<string, string> } = {},
) {
  const clock = new SettableClock(options.now ?? "2026-01-15T12:00:00Z");
  const config = parseConfig({
    PUBLIC_URL: "https://events.example.org",
    LOG_LEVEL: "silent",
    // Tests send many registrations and searches from one (unknown) address; the rate-limit tests turn the limits on.
    REGISTRATION_RATE_LIMIT: "0",
    SEARCH_RATE_LIMIT: "0",
    ...options.env,
  });
  // Every message the app sends, unless a test brings its own transport (SMTP, HTTP).
  const inbox = mailbox();
  const deps: Deps = {
    db: await freshDb(),
    clock,
    mailer: inbox.mailer,
    config,
    tokens: cryptoTokens,
    log: silentLogger,
    ...options.deps,
  };
  const app = createApp(deps);

  async function request<T = any>(
    method: string,
    path: string,
    opts: { body?: unknown; key?: string; headers?: Record<string, string> } = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await app.request(path, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    return {
      status: res.status,
      headers: res.headers,
      text,
      body: type.includes("json") && text ? JSON.parse(text) : text,
    };
  }

  /** A staff API key with the given scopes (all of them by default). */
  async function key(scopes: Scope[] = ["admin"], name = "test key"): Promise<string> {
    return (await createApiKey(deps, { name, scopes })).key;
  }

  return { app, deps, clock, db: deps.db, request, key, inbox };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;
