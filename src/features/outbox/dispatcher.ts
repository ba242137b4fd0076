import { sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { type OutboxMessageRow, renderMessage } from "./templates.js";

/**
 * The outbox dispatcher. Delivery is AT LEAST ONCE and never concurrent:
 *
 * - A claim is ONE statement (UPDATE ... WHERE id IN (SELECT ... LIMIT n) RETURNING), so two
 *   dispatchers (two processes, a Worker cron and a Node scheduler) never claim the same row.
 * - A claim is a lease: the row is 'sending' until `claimed_until`. Marking it sent (or failed)
 *   is conditional on the claim id, so a dispatcher that lost its lease changes nothing.
 * - A crash between send and mark leaves the row 'sending'; once the lease is over it is
 *   claimed and sent again with the SAME Message-ID and Idempotency-Key (both derived from the
 *   dedupe key). Duplicates are therefore recognisable: the .eml transport keeps one file per
 *   Message-ID and the HTTP provider drops a repeated Idempotency-Key.
 * - A dispatcher does not start a send once its lease is nearly over (it hands the row back),
 *   so a slow batch cannot overlap with the next claimer of the same row.
 * - Failures back off exponentially (30 s, 1 min, 2 min... capped at 1 h), keep the last
 *   error, and turn 'dead' after OUTBOX_MAX_ATTEMPTS; staff retry dead messages by API.
 * - Rows that have nothing to send (registration deleted, attendee erased) are closed as
 *   'sent' with `last_error` = "skipped: <reason>" and nothing is sent.
 */
export const LEASE_MS = 10 * 60_000;
/** A send is not started with less than this left on the lease (transport timeouts are lower). */
const SEND_MARGIN_MS = 5 * 60_000;
const CONCURRENCY = 4;

export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export interface ClaimedRow extends OutboxMessageRow {
  claimId: string;
  attempts: number;
  claimedUntil: number;
}

export interface DispatchReport {
  claimed: number;
  sent: number;
  skipped: number;
  failed: number;
  dead: number;
  released: number;
}

/** Claims up to `limit` due email rows for this caller: pending and due, or 'sending' with an expired lease. */
export async function claimDue(
  deps: Pick<Deps, "db" | "tokens" | "clock">,
  opts: { now: Date; limit: number; leaseMs?: number },
): Promise<ClaimedRow[]> {
  const at = opts.now.getTime();
  const claimId = deps.tokens.id("clm");
  // `now` decides what is due; the lease runs from the clock, in case `now` is a run's start.
  const until = Math.max(at, deps.clock.now().getTime()) + (opts.leaseMs ?? LEASE_MS);
  const rows = await sqlAll<Record<string, unknown>>(
    deps.db,
    sql`UPDATE outbox SET status = 'sending', claim_id = ${claimId}, claimed_until = ${until}, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM outbox
          WHERE channel = 'email'
            AND ((status = 'pending' AND next_attempt_at <= ${at}) OR (status = 'sending' AND claimed_until < ${at}))
          ORDER BY next_attempt_at, id
          LIMIT ${opts.limit})
        RETURNING id, dedupe_key, template, params, attempts`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    dedupeKey: String(r.dedupe_key),
    template: String(r.template),
    params: typeof r.params === "string" ? JSON.parse(r.params) : (r.params as Record<string, unknown>),
    attempts: Number(r.attempts),
    claimId,
    claimedUntil: until,
  }));
}

/** Claims due messages, renders and sends each, and records the outcome. */
export async function dispatchOutbox(
  deps: Deps,
  opts: { now?: Date; limit?: number; leaseMs?: number } = {},
): Promise<DispatchReport> {
  const now = opts.now ?? deps.clock.now();
  const rows = await claimDue(deps, { now, limit: opts.limit ?? 50, leaseMs: opts.leaseMs });
  const report: DispatchReport = {
    claimed: rows.length,
    sent: 0,
    skipped: 0,
    failed: 0,
    dead: 0,
    released: 0,
  };
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      try {
        report[await deliver(deps, row, now)]++;
      } catch (err) {
        // Only recording the outcome can get here (the database went away): the row stays
        // 'sending' and is taken up again when its lease ends.
        deps.log("error", "outbox outcome not recorded", { id: row.id, error: String(err) });
        report.failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rows.length) }, worker));
  return report;
}

type Outcome = "sent" | "skipped" | "failed" | "dead" | "released";

async function deliver(deps: Deps, row: ClaimedRow, now: Date): Promise<Outcome> {
  const { db, log } = deps;
  const mine = sql`id = ${row.id} AND claim_id = ${row.claimId}`;
  if (deps.clock.now().getTime() > row.claimedUntil - SEND_MARGIN_MS) {
    await sqlAll(
      db,
      sql`UPDATE outbox SET status = 'pending', attempts = attempts - 1, claim_id = NULL, claimed_until = NULL
          WHERE ${mine}`,
    );
    return "released";
  }
  // Outcome times from the clock too: a long run must not back off from its start time.
  const at = Math.max(now.getTime(), deps.clock.now().getTime());
  try {
    const rendered = await renderMessage(deps, row);
    if ("skip" in rendered) {
      await sqlAll(
        db,
        sql`UPDATE outbox SET status = 'sent', sent_at = ${at}, last_error = ${`skipped: ${rendered.skip}`},
                              claim_id = NULL, claimed_until = NULL
            WHERE ${mine}`,
      );
      log("info", "outbox message skipped", { id: row.id, reason: rendered.skip });
      return "skipped";
    }
    await deps.mailer.send(rendered.message);
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    const [res] = await sqlAll<{ status: string }>(
      db,
      sql`UPDATE outbox SET status = CASE WHEN attempts >= ${deps.config.OUTBOX_MAX_ATTEMPTS} THEN 'dead' ELSE 'pending' END,
                            next_attempt_at = ${at + backoffMs(row.attempts)}, last_error = ${error},
                            claim_id = NULL, claimed_until = NULL
          WHERE ${mine}
          RETURNING status`,
    );
    const dead = res?.status === "dead";
    log(dead ? "error" : "warn", dead ? "outbox message dead" : "outbox send failed", {
      id: row.id,
      template: row.template,
      attempts: row.attempts,
      error,
    });
    return dead ? "dead" : "failed";
  }
  const marked = await sqlAll(
    db,
    sql`UPDATE outbox SET status = 'sent', sent_at = ${at}, claim_id = NULL, claimed_until = NULL
        WHERE ${mine} RETURNING id`,
  );
  if (marked.length === 0) {
    // The lease ran out mid-send and another dispatcher took the row: it may be sent twice,
    // with the same Message-ID. Worth knowing about, not worth failing for.
    log("warn", "outbox claim lost before marking sent", { id: row.id });
  }
  return "sent";
}
