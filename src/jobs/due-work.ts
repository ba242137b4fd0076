import { lt } from "drizzle-orm";
import { rateLimits } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { type DispatchReport, dispatchOutbox } from "../features/outbox/dispatcher.js";

const BATCH = 50;
/** At most this many batches a run, so one run ends even if messages keep arriving. */
const MAX_BATCHES = 20;
/** rate_limits.window counts minutes (see registrations/rate-limit.ts); keep the last hour. */
const RATE_WINDOW_MS = 60_000;
const KEEP_RATE_LIMITS_MS = 60 * 60_000;

export interface DueWorkReport {
  outbox: DispatchReport;
  batches: number;
  rateLimitsDeleted: number;
}

/**
 * The scheduled work shared by Node (an interval in the server process) and the Worker (a Cron
 * Trigger): send what the outbox has due, in batches until nothing is left (bounded), and drop
 * rate-limit counters older than an hour. Safe to run in several places at once: outbox claims
 * are atomic, and the delete is idempotent.
 */
export async function runDueWork(deps: Deps, now: Date = deps.clock.now()): Promise<DueWorkReport> {
  const outbox: DispatchReport = { claimed: 0, sent: 0, skipped: 0, failed: 0, dead: 0, released: 0 };
  let batches = 0;
  while (batches < MAX_BATCHES) {
    const report = await dispatchOutbox(deps, { now, limit: BATCH });
    batches++;
    for (const k of Object.keys(outbox) as (keyof DispatchReport)[]) outbox[k] += report[k];
    if (report.claimed < BATCH) break;
  }
  const oldest = Math.floor((now.getTime() - KEEP_RATE_LIMITS_MS) / RATE_WINDOW_MS);
  const deleted = await deps.db
    .delete(rateLimits)
    .where(lt(rateLimits.window, oldest))
    .returning({ key: rateLimits.key });
  return { outbox, batches, rateLimitsDeleted: deleted.length };
}
