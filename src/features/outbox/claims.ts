import { type SQL, sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import type { Deps } from "../../deps.js";
import type { Channel } from "./enqueue.js";

/**
 * Claims of processes that died. A claim id may end in `@<claimant>` (Deps.instance); a
 * runtime that can tell a dead claimant from a live one (Node, by process id on its own host)
 * hands those rows back at start, so a crash delays their mail by a restart, not by the lease
 * (LEASE_MS). A row handed back may have been sent just before the crash: it goes again with
 * the same Message-ID and Idempotency-Key, as after an expired lease.
 */

/** The claimants of rows being sent now (reads only the 'sending' part of the outbox_due index). */
export async function claimants(db: Db): Promise<string[]> {
  const rows = await sqlAll<{ claimant: string }>(
    db,
    sql`SELECT DISTINCT substr(claim_id, instr(claim_id, '@') + 1) AS claimant FROM outbox
        WHERE status = 'sending' AND instr(claim_id, '@') > 0`,
  );
  return rows.map((r) => r.claimant);
}

/** Hands the rows these claimants hold back to 'pending', due now. Returns how many. */
export async function releaseClaims(db: Db, dead: string[], now: Date): Promise<number> {
  if (dead.length === 0) return 0;
  const at = now.getTime();
  const rows = await sqlAll<{ id: string }>(
    db,
    sql`UPDATE outbox SET status = 'pending', claim_id = NULL, claimed_until = NULL, next_attempt_at = ${at}
        WHERE status = 'sending' AND instr(claim_id, '@') > 0
          AND substr(claim_id, instr(claim_id, '@') + 1) IN (SELECT value FROM json_each(${JSON.stringify(dead)}))
        RETURNING id`,
  );
  return rows.length;
}

/**
 * The one claim statement (dispatcher.ts claimDue, claimDueIds): due rows of a channel taken
 * under a new claim id with a lease of `leaseMs`, returning `returning`.
 */
export function claimStatement(
  deps: Pick<Deps, "tokens" | "clock" | "instance">,
  opts: { now: Date; limit: number; leaseMs: number; channel?: Channel },
  returning: SQL,
) {
  const channel = opts.channel ?? "email";
  const at = opts.now.getTime();
  // The claimant after '@' (claims.ts): whose claims these are, if this process dies.
  const claimId = deps.instance ? `${deps.tokens.id("clm")}@${deps.instance}` : deps.tokens.id("clm");
  // `now` decides what is due; the lease runs from the clock, in case `now` is a run's start.
  const until = Math.max(at, deps.clock.now().getTime()) + opts.leaseMs;
  // Each kind of claimable row is read in the order of the outbox_due index (status,
  // next_attempt_at, rowid), so a claim stops after `limit` index entries, however many rows
  // are due (a fan-out queues thousands at one instant): one OR over both kinds, or a tie-break
  // on the text id, made SQLite sort every due row at every claim. Ties go by rowid, in the
  // order the rows were queued.
  const statement = sql`UPDATE outbox SET status = 'sending', claim_id = ${claimId}, claimed_until = ${until}, attempts = attempts + 1
        WHERE id IN (
          SELECT id FROM (
            SELECT * FROM (
              SELECT id, next_attempt_at AS due, rowid AS seq FROM outbox
              WHERE status = 'pending' AND next_attempt_at <= ${at} AND channel = ${channel}
              ORDER BY next_attempt_at, rowid LIMIT ${opts.limit})
            UNION ALL
            SELECT * FROM (
              SELECT id, next_attempt_at AS due, rowid AS seq FROM outbox
              WHERE status = 'sending' AND claimed_until < ${at} AND channel = ${channel}
              ORDER BY next_attempt_at, rowid LIMIT ${opts.limit}))
          ORDER BY due, seq
          LIMIT ${opts.limit})
        RETURNING ${returning}`;
  return { claimId, until, statement };
}
