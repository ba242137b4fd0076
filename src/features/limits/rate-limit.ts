import { lt, sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import type { Query } from "../../db/batch.js";
import { rateLimits } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";

const WINDOW_MS = 60_000;

/**
 * The address a request comes from. X-Forwarded-For is a client-supplied header unless a
 * proxy we run sets it, so it is used only when TRUST_PROXY says so, and then its last entry
 * (the one our proxy appended), never the first (the one the client wrote).
 */
export function clientAddress(c: Context<AppEnv>): string {
  const { config, clientAddress: fromRuntime } = c.var.deps;
  if (config.TRUST_PROXY) {
    const forwarded = c.req.header("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  return fromRuntime?.(c) ?? "unknown";
}

/**
 * The budget a client address counts against: the address itself for IPv4, its /64 for IPv6
 * (one subscriber gets a whole /64, so each of its 2^64 addresses must not be a fresh budget).
 */
export function budgetKey(address: string): string {
  if (!address.includes(":")) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  const [head = "", tail = ""] = address.split("%")[0]!.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => (g || "0").replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

/**
 * Registrations per client address per minute, counted in the database so every process (and
 * every Worker isolate) shares the same budget. One upsert per request.
 */
export const rateLimitRegistrations: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { db, clock, config } = c.var.deps;
  const limit = config.REGISTRATION_RATE_LIMIT;
  if (limit === 0) return next();
  const now = clock.now().getTime();
  const window = Math.floor(now / WINDOW_MS);
  const key = `registration:${budgetKey(clientAddress(c))}`;
  const [row] = await db.all<{ count: number }>(sql`
    INSERT INTO rate_limits (key, window, count) VALUES (${key}, ${window}, 1)
    ON CONFLICT (key, window) DO UPDATE SET count = count + 1
    RETURNING count`);
  if ((row?.count ?? 0) > limit) {
    const retryAfter = Math.ceil(((window + 1) * WINDOW_MS - now) / 1000);
    throw new Problem({
      status: 429,
      kind: "rate-limited",
      title: "Too many requests",
      detail: `At most ${limit} registrations a minute from one address. Try again in ${retryAfter} s.`,
      headers: { "Retry-After": String(retryAfter) },
    });
  }
  await next();
};

const TALLY = `INSERT INTO rate_limits (key, window, count) VALUES (?, ?, 1)
  ON CONFLICT (key, window) DO UPDATE SET count = count + 1`;

/**
 * One more under `key` in this minute's counter, as a fixed-text statement for the caller's
 * batch (the hot path). The registration counts every submission of an event with it: besides
 * the count, it makes every submission write (and so commit to disk) the same way, whether or
 * not the address was new, so the answer's timing does not tell them apart (issue 13).
 */
export const tallyStatement = (key: string, at: number): Query => ({
  sql: TALLY,
  params: [key, Math.floor(at / WINDOW_MS)],
});

/** Counters are kept an hour (windows count minutes), then dropped by the due work. */
const KEEP_MS = 60 * 60_000;

/** Deletes counters older than an hour; idempotent, so any number of schedulers may run it. */
export async function pruneRateLimits(deps: Pick<Deps, "db">, now: Date): Promise<number> {
  const oldest = Math.floor((now.getTime() - KEEP_MS) / WINDOW_MS);
  const deleted = await deps.db
    .delete(rateLimits)
    .where(lt(rateLimits.window, oldest))
    .returning({ key: rateLimits.key });
  return deleted.length;
}
