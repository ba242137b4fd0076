import { sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { claimStatement } from "./claims.js";
import { closer, renderer } from "./dispatch-batch.js";
import type { Channel } from "./enqueue.js";
import type { ClaimedRow, Courier, DispatchReport, MessageKinds, Rendered } from "./kinds.js";

export type { ClaimedRow, DispatchReport } from "./kinds.js";

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
 *
 * Throughput (a reminder fans out into thousands of rows at once; bench/mail.ts measures it):
 * - Kinds that render many at once (reminders) are rendered RENDER_CHUNK at a time, just before
 *   the first of them is sent: one batch mints all their tokens and reads all their facts.
 *   Every other template is rendered on its own, right before its send.
 * - Rows are closed (sent or skipped) MARK_CHUNK at a time, in one UPDATE conditional on the
 *   claim id like the single one was, rather than with one write (one commit) per message.
 *   A crash therefore leaves up to a chunk of sent-but-unmarked rows instead of one, and each is
 *   sent again after its lease with the same Message-ID: the same at-least-once as before.
 *   What is left is marked when the dispatch's last send is done. Failures and releases (rare)
 *   are still written one at a time, when they happen.
 * - claimDue reads the due index in order, so a claim costs O(limit) however large the backlog,
 *   and a dispatch can claim its next batch before the sends of the current one drain (`more`).
 */
export const LEASE_MS = 10 * 60_000;
/** A send is not started with less than this left on the lease (transport timeouts are lower). */
export const SEND_MARGIN_MS = 5 * 60_000;
/**
 * Messages in flight at once. Matches the SMTP pool's connections (src/mail/smtp.ts
 * SMTP_MAX_CONNECTIONS; not imported, as this module also runs in the Worker): every send has a
 * session of its own and none waits in the transport's queue.
 */
export const SEND_CONCURRENCY = 4;

export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

type ClaimOptions = { now: Date; limit: number; leaseMs?: number; channel?: Channel };

/** Claims up to `limit` due email rows for this caller: pending and due, or 'sending' with an expired lease. */
export async function claimDue(
  deps: Pick<Deps, "db" | "tokens" | "clock" | "instance">,
  opts: ClaimOptions,
): Promise<ClaimedRow[]> {
  const { claimId, until, statement } = claimStatement(
    deps,
    { ...opts, leaseMs: opts.leaseMs ?? LEASE_MS },
    sql`id, dedupe_key, template, params, attempts, created_at`,
  );
  const rows = await sqlAll<Record<string, unknown>>(deps.db, statement);
  return rows.map((r) => ({
    id: String(r.id),
    dedupeKey: String(r.dedupe_key),
    template: String(r.template),
    params: typeof r.params === "string" ? JSON.parse(r.params) : (r.params as Record<string, unknown>),
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    claimId,
    claimedUntil: until,
  }));
}

/**
 * claimDue for a caller that hands the claimed rows on by id (the queue: its consumer reads the
 * rows again under the claim): the same claim, returning only the ids, a tenth of the rows'
 * bytes to carry back from the database.
 */
export async function claimDueIds(
  deps: Pick<Deps, "db" | "tokens" | "clock" | "instance">,
  opts: ClaimOptions,
): Promise<{ claimId: string; ids: string[] }> {
  const { claimId, statement } = claimStatement(
    deps,
    { ...opts, leaseMs: opts.leaseMs ?? LEASE_MS },
    sql`id`,
  );
  const rows = await sqlAll<{ id: string }>(deps.db, statement);
  return { claimId, ids: rows.map((r) => String(r.id)) };
}

/**
 * Claims due messages, renders each by its kind (`kinds`, given at composition) and sends it,
 * and records the outcome. With a `courier` instead, it claims that channel's rows only and
 * the courier delivers each (webhooks): a separate dispatch, so a slow receiver never holds a
 * mail send slot.
 *
 * `more`: when a claim came back full, claim again (the same `limit`) as soon as its last row
 * has been STARTED, for as long as `more()` says so, instead of returning once its last send is
 * done: the sends in flight never drain between claims (due-work uses this for its run). Only the
 * claim being worked on is kept; each row keeps its own claim id and lease.
 */
export async function dispatchOutbox(
  deps: Deps,
  opts: ({ kinds: MessageKinds; courier?: undefined } | { courier: Courier; kinds?: undefined }) & {
    now?: Date;
    limit?: number;
    leaseMs?: number;
    more?: () => boolean;
  },
): Promise<DispatchReport> {
  const now = opts.now ?? deps.clock.now();
  const limit = opts.limit ?? 50;
  const { courier, kinds } = opts;
  const claim = async () => {
    const rows = await claimDue(deps, { now, limit, leaseMs: opts.leaseMs, channel: courier?.channel });
    const render = kinds ? renderer(deps, kinds, rows) : null;
    return { rows, next: 0, render, full: rows.length === limit };
  };
  let current = await claim();
  const report: DispatchReport = {
    claimed: current.rows.length,
    sent: 0,
    skipped: 0,
    failed: 0,
    dead: 0,
    released: 0,
  };
  const closing = closer(deps, report);
  let claiming: Promise<void> | null = null;
  let failure: { err: unknown } | null = null;
  /** The next row to start, claiming more when allowed; null when there is none. */
  const take = async () => {
    for (;;) {
      const c = current;
      if (c.next < c.rows.length) {
        const index = c.next++;
        const render = c.render;
        return {
          row: c.rows[index]!,
          attempt: render ? mailAttempt(deps, () => render(index)) : courierAttempt(deps, courier!),
        };
      }
      if (!claiming) {
        if (failure || !c.full || !opts.more?.()) return null;
        claiming = claim()
          .then(
            (fresh) => {
              current = fresh;
              report.claimed += fresh.rows.length;
            },
            (err: unknown) => {
              // Stop claiming, let the sends in flight finish and be marked, then throw.
              failure = { err };
            },
          )
          .finally(() => {
            claiming = null;
          });
      }
      await claiming;
    }
  };
  const worker = async () => {
    for (let job = await take(); job; job = await take()) {
      const { row, attempt } = job;
      try {
        const d = await deliver(deps, row, now, attempt, courier);
        if (d.outcome === "sent" || d.outcome === "skipped") {
          await closing.add({
            id: row.id,
            claimId: row.claimId,
            at: d.at,
            error: d.error,
            outcome: d.outcome,
          });
        } else report[d.outcome]++;
      } catch (err) {
        // Only recording the outcome can get here (the database went away): the row stays
        // 'sending' and is taken up again when its lease ends.
        deps.log("error", "outbox outcome not recorded", { id: row.id, error: String(err) });
        report.failed++;
      }
    }
  };
  const concurrency = courier?.concurrency ?? SEND_CONCURRENCY;
  await Promise.all(Array.from({ length: Math.min(concurrency, current.rows.length) }, worker));
  await closing.flush();
  if (failure) throw (failure as { err: unknown }).err;
  return report;
}

/**
 * Delivers rows already claimed (by the queue path's cron) through `courier`, `courier.concurrency`
 * at a time, recording each outcome as dispatchOutbox does: the courier's retries and backoff,
 * its final failures, its onDead. A webhook's retry is the outbox's own, so nothing asks the queue
 * to deliver the chunk again.
 */
export async function deliverHeld(deps: Deps, courier: Courier, rows: ClaimedRow[]): Promise<DispatchReport> {
  const now = deps.clock.now();
  const report: DispatchReport = {
    claimed: rows.length,
    sent: 0,
    skipped: 0,
    failed: 0,
    dead: 0,
    released: 0,
  };
  const closing = closer(deps, report);
  let next = 0;
  const lane = async () => {
    while (next < rows.length) {
      const row = rows[next++]!;
      const d = await deliver(deps, row, now, courierAttempt(deps, courier), courier);
      if (d.outcome === "sent" || d.outcome === "skipped")
        await closing.add({ id: row.id, claimId: row.claimId, at: d.at, error: d.error, outcome: d.outcome });
      else report[d.outcome]++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(courier.concurrency, rows.length) }, lane));
  await closing.flush();
  return report;
}

/** What deliver did with a row; sent and skipped rows are marked by the caller (closer). */
type Delivered =
  | { outcome: "failed" | "dead" | "released" }
  | { outcome: "sent"; at: number; error: null }
  | { outcome: "skipped"; at: number; error: string };

/** One try at a row: "skip: <reason>" when there is nothing to send; throws on failure. */
type Attempt = (row: ClaimedRow) => Promise<{ skip: string } | null>;

/** A failure the courier says no retry can mend (a 410): the row is dead at once. */
class FinalFailure extends Error {}

const mailAttempt =
  (deps: Deps, render: () => Promise<Rendered>): Attempt =>
  async () => {
    const rendered = await render();
    if ("skip" in rendered) return rendered;
    await deps.mailer.send(rendered.message);
    return null;
  };

const courierAttempt =
  (deps: Deps, courier: Courier): Attempt =>
  async (row) => {
    const r = await courier.send(deps, row);
    if ("skip" in r) return r;
    if ("error" in r) throw r.final ? new FinalFailure(r.error) : new Error(r.error);
    return null;
  };

async function deliver(
  deps: Deps,
  row: ClaimedRow,
  now: Date,
  attempt: Attempt,
  courier: Courier | undefined,
): Promise<Delivered> {
  const { db, log } = deps;
  const mine = sql`id = ${row.id} AND claim_id = ${row.claimId}`;
  if (deps.clock.now().getTime() > row.claimedUntil - SEND_MARGIN_MS) {
    await sqlAll(
      db,
      sql`UPDATE outbox SET status = 'pending', attempts = attempts - 1, claim_id = NULL, claimed_until = NULL
          WHERE ${mine}`,
    );
    return { outcome: "released" };
  }
  // Outcome times from the clock too: a long run must not back off from its start time.
  const at = Math.max(now.getTime(), deps.clock.now().getTime());
  try {
    const skipped = await attempt(row);
    if (skipped) {
      log("info", "outbox message skipped", { id: row.id, reason: skipped.skip });
      return { outcome: "skipped", at, error: `skipped: ${skipped.skip}` };
    }
  } catch (err) {
    const error = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
    const max = courier?.maxAttempts ?? deps.config.OUTBOX_MAX_ATTEMPTS;
    const final = err instanceof FinalFailure ? 1 : 0;
    const wait = courier ? courier.backoffMs(row.attempts) : backoffMs(row.attempts);
    const [res] = await sqlAll<{ status: string }>(
      db,
      sql`UPDATE outbox SET status = CASE WHEN attempts >= ${max} OR ${final} = 1 THEN 'dead' ELSE 'pending' END,
                            next_attempt_at = ${at + wait}, last_error = ${error},
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
    if (dead && courier?.onDead) await courier.onDead(deps, row, error);
    return { outcome: dead ? "dead" : "failed" };
  }
  return { outcome: "sent", at, error: null };
}
