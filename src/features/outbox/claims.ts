import { sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Db } from "../../db/client.js";

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
