import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { vi } from "vitest";
import { d1Db } from "../../src/db/client.js";
import type { DeliveryChunk } from "../../src/deps.js";
import { createApiKey } from "../../src/features/auth/service.js";
import { systemClock } from "../../src/lib/clock.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import worker from "../../src/worker.js";

/**
 * The Worker's queue path inside workerd (test/mail/queue-fanout.workers.test.ts): a D1 binding
 * that counts what each invocation asks of it, a producer binding that keeps what was sent,
 * and the email provider as a stand-in for `fetch` that checks the batch request format.
 */

/** env.DB, metered: statements prepared (each is one query), their bound parameters and sizes. */
export function meteredD1(db: D1Database) {
  // roundTrips: calls that go to the database, a batch counting once (each of its statements
  // counts as a query).
  const meter = { queries: 0, roundTrips: 0, maxParams: 0, maxBytes: 0, widest: "" };
  const EXECUTES = new Set<PropertyKey>(["all", "run", "first", "raw"]);
  const RAW = Symbol("statement");
  const metered = (statement: D1PreparedStatement, query: string): D1PreparedStatement =>
    new Proxy(statement, {
      get(s, p) {
        if (p === RAW) return s;
        if (p === "bind") {
          return (...values: unknown[]) => {
            if (values.length > meter.maxParams) {
              meter.maxParams = values.length;
              meter.widest = query.slice(0, 200);
            }
            return metered(s.bind(...values), query);
          };
        }
        if (EXECUTES.has(p)) meter.roundTrips++;
        const v = Reflect.get(s, p, s);
        return typeof v === "function" ? v.bind(s) : v;
      },
    });
  const binding = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (query: string) => {
          meter.queries++;
          meter.maxBytes = Math.max(meter.maxBytes, new TextEncoder().encode(query).length);
          return metered(target.prepare(query), query);
        };
      }
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          meter.roundTrips++;
          // The real statements behind the meter's proxies (D1 checks what it is given).
          return target.batch(statements.map((st) => (st as { [RAW]?: D1PreparedStatement })[RAW] ?? st));
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { binding, meter };
}

/** A producer binding that keeps each sendBatch, as the local queue would receive it. */
export function keptQueue() {
  const batches: { body: DeliveryChunk }[][] = [];
  const binding = {
    async sendBatch(messages: Iterable<{ body: DeliveryChunk }>) {
      batches.push([...messages]);
    },
    async send(body: DeliveryChunk) {
      batches.push([{ body }]);
    },
  };
  return { binding: binding as unknown as Queue<DeliveryChunk>, batches };
}

export interface ProviderRequest {
  path: string;
  idempotencyKey: string | null;
  emails: { to: string[]; subject: string; text: string; headers?: Record<string, string> }[];
}

/**
 * The email provider at https://mail.test: global fetch replaced for the test. It answers each
 * request with `status()` (200 by default) and records what it accepted.
 */
export function provider(status: () => number = () => 200) {
  const accepted: ProviderRequest[] = [];
  const refused: ProviderRequest[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.host !== "mail.test") throw new Error(`unexpected fetch to ${url}`);
    const headers = new Headers(init?.headers);
    if (headers.get("authorization") !== "Bearer test-key") return new Response("bad key", { status: 401 });
    const body = JSON.parse(String(init?.body));
    const request: ProviderRequest = {
      path: url.pathname,
      idempotencyKey: headers.get("idempotency-key"),
      emails: url.pathname === "/emails/batch" ? body : [body],
    };
    const code = status();
    (code === 200 ? accepted : refused).push(request);
    return code === 200
      ? Response.json({ data: request.emails.map((_, i) => ({ id: `${request.idempotencyKey}-${i}` })) })
      : Response.json({ message: "provider says no" }, { status: code });
  });
  return { accepted, refused, restore: () => spy.mockRestore() };
}

/** The Worker's environment with these bindings (a new object: the Worker builds its deps anew). */
export function workerEnv(db: D1Database, queue: Queue<DeliveryChunk>) {
  return {
    ...env,
    DB: db,
    OUTBOX_QUEUE: queue,
    EMAIL_API_URL: "https://mail.test/emails",
    EMAIL_API_KEY: "test-key",
    OUTBOX_MAX_ATTEMPTS: "2",
  };
}

/** A published event starting in two hours, with one reminder (PT1H), made through the staff API. */
export async function publishedEventWithReminder(title: string): Promise<{ id: string; slug: string }> {
  const { key } = await createApiKey(
    { db: d1Db(env.DB), tokens: cryptoTokens, clock: systemClock } as never,
    {
      name: "queue test",
      scopes: ["admin"],
    },
  );
  const call = async (method: string, path: string, body?: unknown) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`https://convene.example${path}`, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: body ? JSON.stringify(body) : undefined,
      }),
      env as never,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return (await res.json()) as { id: string; slug: string };
  };
  const startsAt = new Date(Date.now() + 2 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
  const created = await call("POST", "/api/v1/events", {
    title,
    startsAt,
    timeZone: "Europe/Kyiv",
    reminders: ["PT1H"],
    joinUrl: "https://zoom.example.com/j/1",
  });
  await call("POST", `/api/v1/events/${created.slug}/publish`);
  return created;
}

/**
 * `n` confirmed registrants of an event, confirmed a minute ago, in two statements whatever `n`
 * (a recursive CTE makes the rows; 3 bound parameters each), addresses person<i>@example.org.
 */
export async function seedConfirmed(db: D1Database, eventId: string, n: number): Promise<void> {
  const at = Date.now() - 61_000;
  await db.batch([
    db
      .prepare(
        `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
         INSERT INTO attendees (id, email, name, created_at, updated_at)
         SELECT printf('att_seed_%06d', i), printf('person%d@example.org', i), printf('Person %d', i), ?2, ?2 FROM k`,
      )
      .bind(n, at),
    db
      .prepare(
        `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?1)
         INSERT INTO registrations (id, event_id, attendee_id, status, answers, consent_at, created_at, updated_at, confirmed_at)
         SELECT printf('reg_seed_%06d', i), ?3, printf('att_seed_%06d', i), 'confirmed', '{}', ?2, ?2, ?2, ?2 FROM k`,
      )
      .bind(n, at, eventId),
  ]);
}

/** Makes the event's reminder due a second ago (the Worker reads the system clock). */
export async function reminderDueNow(db: D1Database, eventId: string): Promise<void> {
  await db
    .prepare("UPDATE reminders SET due_at = ? WHERE event_id = ? AND offset_iso = 'PT1H'")
    .bind(Date.now() - 1000, eventId)
    .run();
}
