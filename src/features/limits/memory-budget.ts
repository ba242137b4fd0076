import type { Context } from "hono";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";
import { budgetKey, clientAddress } from "./rate-limit.js";

const WINDOW_MS = 60_000;
/** Counters kept per window; past it the oldest client is forgotten (memory stays bounded). */
const MAX_CLIENTS = 10_000;

/**
 * Per-client budgets counted in this process's memory, for reads whose cost is CPU (a full-text
 * search that misses the cache): a database write per request would cost more than the search.
 * Each process (each Worker isolate) counts alone, so it keeps one client from monopolising a
 * process, not a distributed crawl; the registration budget, which guards writes, is shared in
 * the database instead (rate-limit.ts).
 */
class MemoryBudget {
  private window = -1;
  private counts = new Map<string, number>();

  /** Spends one unit of `key`'s budget; the seconds to wait when it is spent, else null. */
  spend(key: string, limit: number, now: number): number | null {
    const window = Math.floor(now / WINDOW_MS);
    if (window !== this.window) {
      this.window = window;
      this.counts.clear();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (this.counts.size > MAX_CLIENTS) this.counts.delete(this.counts.keys().next().value!);
    return count > limit ? Math.ceil(((window + 1) * WINDOW_MS - now) / 1000) : null;
  }
}

/** One budget per app (its database): tests and processes do not share counts. */
const searchBudgets = new WeakMap<object, MemoryBudget>();

/**
 * Spends one archive search that misses the cache from this request's client (its /64 on
 * IPv6); throws a 429 problem with Retry-After once SEARCH_RATE_LIMIT a minute are spent.
 */
export function spendSearch(c: Context<AppEnv>): void {
  const { db, clock, config } = c.var.deps;
  const limit = config.SEARCH_RATE_LIMIT;
  if (limit === 0) return;
  let budget = searchBudgets.get(db);
  if (!budget) {
    budget = new MemoryBudget();
    searchBudgets.set(db, budget);
  }
  const retryAfter = budget.spend(budgetKey(clientAddress(c)), limit, clock.now().getTime());
  if (retryAfter === null) return;
  throw new Problem({
    status: 429,
    kind: "rate-limited",
    title: "Too many searches",
    detail: `At most ${limit} new searches a minute from one address. Try again in ${retryAfter} s.`,
    headers: { "Retry-After": String(retryAfter) },
  });
}
