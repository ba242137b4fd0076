import { sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { DeliveryChunk, DeliveryQueue, Deps, MailMessage } from "../../deps.js";
import { MailRejected } from "../../deps.js";
import {
  chunkByBudget,
  EMAIL_BATCH_MAX,
  INVOCATION_QUERY_SHARE,
  INVOCATION_SUBREQUEST_SHARE,
  QUEUE_MAX_BATCH_BYTES,
  QUEUE_MAX_BATCH_MESSAGES,
} from "../../lib/budgets.js";
import { sha256Hex } from "../../lib/tokens.js";
import { closer, renderer } from "./dispatch-batch.js";
import { claimDueIds, deliverHeld, SEND_MARGIN_MS } from "./dispatcher.js";
import type { ClaimedRow, Courier, DispatchReport, MessageKinds } from "./kinds.js";

/**
 * The outbox through a queue (Workers: Cloudflare Queues). The due work CLAIMS rows (the same
 * atomic claim and lease as in-process dispatch) and hands the queue chunks of
 * {claimId, ids}; the consumer renders and sends each chunk in one provider batch request and
 * marks the rows sent only while they are still held under that claim. So:
 * - a redelivered chunk whose rows were marked finds none of them held and sends nothing;
 * - a chunk redelivered after an unknown outcome (crash or timeout after the provider's answer)
 *   re-posts the same rows under the same claim with the same Idempotency-Key;
 * - a chunk that never arrives (lost, dead-lettered) leaves its rows 'sending' until the lease
 *   ends, and the next claim takes them: never lost.
 */

/** Longer than in-process (LEASE_MS): the lease also covers the time a chunk waits in the queue and its retries. */
export const QUEUE_LEASE_MS = 30 * 60_000;
/**
 * Email rows per chunk: four provider batches. A chunk's D1 work is three round trips (the held
 * rows; tokens, facts and events in one batch; the mark) whatever its size, and in a queued
 * fan-out that fixed cost outweighed the rows themselves (10,000 reminders: the workers test
 * 4.0 s in chunks of 100, 2.9 s of 200; `wrangler dev` ~3.3 s of 200, 2.9-3.4 s of 400, no
 * better at 800, where the first send comes later and 13 chunks leave lanes idle). Each batch
 * is still one request with its own Idempotency-Key, sent one after the other: a chunk holds one
 * connection.
 */
export const QUEUE_CHUNK_ROWS = 4 * EMAIL_BATCH_MAX;
/** Rows claimed by one statement: five chunks. */
export const QUEUE_CLAIM_ROWS = 5 * QUEUE_CHUNK_ROWS;
/** Webhook rows per chunk: 10 chunks an invocation (wrangler.toml) make 100 requests at most. */
export const WEBHOOK_CHUNK_ROWS = 10;
/**
 * Claims per due-work run, each one statement and one sendBatch (its five chunks): up to
 * 200,000 messages a minute, a fifth of the run's query share and of its subrequest share, the
 * rest left for fan-out and housekeeping.
 */
export const QUEUE_CLAIMS_PER_RUN = Math.floor(
  Math.min(INVOCATION_QUERY_SHARE, INVOCATION_SUBREQUEST_SHARE) / 5,
);

export interface QueueReport {
  claimed: number;
  chunks: number;
  /** sendBatch calls (subrequests). */
  sendBatches: number;
  /** D1 statements this made. */
  statements: number;
}

/**
 * Claims what is due and queues it in chunks, until nothing is due, the run's share is used or
 * `more()` says stop. `claims` is the run's share, shared by every call of one run (the Worker's
 * due work calls this while a fan-out goes on, then once more after it).
 */
export async function queueDue(
  deps: Deps,
  queue: DeliveryQueue,
  opts: { now: Date; more?: () => boolean; channel?: "webhook"; claims?: { left: number } },
): Promise<QueueReport> {
  const claims = opts.claims ?? { left: QUEUE_CLAIMS_PER_RUN };
  // A webhook is one request to its receiver (up to the courier's timeout), so its chunks are
  // small: a consumer invocation of max_batch_size chunks stays far inside its subrequests.
  const chunkRows = opts.channel ? WEBHOOK_CHUNK_ROWS : QUEUE_CHUNK_ROWS;
  const report: QueueReport = { claimed: 0, chunks: 0, sendBatches: 0, statements: 0 };
  let waiting: DeliveryChunk[] = [];
  const flush = async () => {
    const groups = chunkByBudget(waiting, QUEUE_MAX_BATCH_MESSAGES, QUEUE_MAX_BATCH_BYTES);
    waiting = [];
    for (const [i, group] of groups.entries()) {
      try {
        await queue.sendBatch(group);
      } catch (err) {
        // Not queued: hand those rows back now instead of at the end of the lease.
        for (const c of groups.slice(i).flat()) {
          report.statements++;
          await release(deps, c);
        }
        throw err;
      }
      report.sendBatches++;
      report.chunks += group.length;
    }
  };
  while (claims.left > 0) {
    claims.left--;
    const { claimId, ids } = await claimDueIds(deps, {
      now: opts.now,
      limit: QUEUE_CLAIM_ROWS,
      leaseMs: QUEUE_LEASE_MS,
      channel: opts.channel ?? "email",
    });
    report.statements++;
    report.claimed += ids.length;
    for (let i = 0; i < ids.length; i += chunkRows) {
      waiting.push({
        claimId,
        ids: ids.slice(i, i + chunkRows),
        ...(opts.channel ? { channel: opts.channel } : {}),
      });
    }
    // Queued at once, so the consumer starts on the first chunks while later ones are claimed.
    await flush();
    if (ids.length < QUEUE_CLAIM_ROWS || !(opts.more?.() ?? true)) break;
  }
  return report;
}

/** A chunk's rows back to 'pending', due as they were (the claim counted an attempt: undone). */
async function release(deps: Pick<Deps, "db">, chunk: DeliveryChunk): Promise<void> {
  await sqlAll(
    deps.db,
    sql`UPDATE outbox SET status = 'pending', attempts = attempts - 1, claim_id = NULL, claimed_until = NULL
        WHERE claim_id = ${chunk.claimId} AND status = 'sending'
          AND id IN (SELECT value FROM json_each(${JSON.stringify(chunk.ids)}))`,
  );
}

/** What the consumer did with a chunk: done (acknowledge), or retry the same chunk later. */
export type ChunkOutcome = { retry: false; report: DispatchReport } | { retry: true; error: string };

/**
 * The consumer's work on one chunk: the rows still held under its claim are rendered now
 * (re-checked: a cancelled registration is skipped) in one go, sent in batch requests of
 * EMAIL_BATCH_MAX (four for a full chunk), and marked sent while held, in one statement. A refusal by the provider (nothing sent) counts an attempt and backs off as
 * in-process; an unknown outcome (timeout, 5xx) keeps the claim and asks for the chunk again.
 */
export async function deliverChunk(
  deps: Deps,
  by: { kinds: MessageKinds; courier: Courier },
  chunk: DeliveryChunk,
): Promise<ChunkOutcome> {
  const { kinds } = by;
  const report: DispatchReport = { claimed: 0, sent: 0, skipped: 0, failed: 0, dead: 0, released: 0 };
  const held = await sqlAll<Record<string, unknown>>(
    deps.db,
    sql`SELECT id, dedupe_key, template, params, attempts, claimed_until, created_at FROM outbox
        WHERE claim_id = ${chunk.claimId} AND status = 'sending'
          AND id IN (SELECT value FROM json_each(${JSON.stringify(chunk.ids.slice(0, QUEUE_CHUNK_ROWS))}))
        ORDER BY rowid`,
  );
  const rows: ClaimedRow[] = held.map((r) => ({
    id: String(r.id),
    dedupeKey: String(r.dedupe_key),
    template: String(r.template),
    params: typeof r.params === "string" ? JSON.parse(r.params) : (r.params as Record<string, unknown>),
    attempts: Number(r.attempts),
    claimId: chunk.claimId,
    claimedUntil: Number(r.claimed_until),
    createdAt: Number(r.created_at),
  }));
  report.claimed = rows.length;
  if (rows.length === 0) return { retry: false, report };
  if (chunk.channel === "webhook") return { retry: false, report: await deliverHeld(deps, by.courier, rows) };
  if (deps.clock.now().getTime() > Math.min(...rows.map((r) => r.claimedUntil)) - SEND_MARGIN_MS) {
    await release(deps, chunk);
    report.released = rows.length;
    return { retry: false, report };
  }
  const at = deps.clock.now().getTime();
  // The chunk is rendered in one go and marked in one statement.
  const render = renderer(deps, kinds, rows, QUEUE_CHUNK_ROWS);
  const closing = closer(deps, report, QUEUE_CHUNK_ROWS);
  const sending: { row: ClaimedRow; message: MailMessage }[] = [];
  const broken: { row: ClaimedRow; error: string }[] = [];
  for (const [i, row] of rows.entries()) {
    try {
      const rendered = await render(i);
      if ("skip" in rendered) {
        deps.log("info", "outbox message skipped", { id: row.id, reason: rendered.skip });
        await closing.add({
          id: row.id,
          claimId: row.claimId,
          at,
          error: `skipped: ${rendered.skip}`,
          outcome: "skipped",
        });
      } else sending.push({ row, message: rendered.message });
    } catch (err) {
      broken.push({ row, error: errorText(err) });
    }
  }
  // One statement per distinct error (rows that could not render usually share one), not per row.
  const byError = new Map<string, ClaimedRow[]>();
  for (const b of broken) byError.set(b.error, [...(byError.get(b.error) ?? []), b.row]);
  for (const [error, list] of byError) await fail(deps, chunk.claimId, list, error, at, report);
  // The provider's batch endpoint takes no attachments (Resend: "attachments are not supported"
  // in a batch), so an invitation (its .ics) goes alone to the single endpoint under its own
  // Idempotency-Key; the rest go in batches of EMAIL_BATCH_MAX, each under its own key (a hash
  // of its rows' dedupe keys, so a retry of the same rows posts the same key). Each request's
  // outcome is its rows' own.
  const alone = (s: (typeof sending)[number]) => Boolean(s.message.calendar || s.message.attachments?.length);
  const plain = sending.filter((s) => !alone(s));
  const groups = [
    ...Array.from({ length: Math.ceil(plain.length / EMAIL_BATCH_MAX) }, (_, k) =>
      plain.slice(k * EMAIL_BATCH_MAX, (k + 1) * EMAIL_BATCH_MAX),
    ),
    ...sending.filter(alone).map((s) => [s]),
  ];
  let unknown: string | undefined;
  for (const group of groups) {
    try {
      if (group.length === 1 || !deps.mailer.sendBatch)
        for (const { message } of group) await deps.mailer.send(message);
      else {
        const key = `batch-${(await sha256Hex(group.map((s) => s.row.dedupeKey).join("\n"))).slice(0, 40)}`;
        await deps.mailer.sendBatch(
          group.map((s) => s.message),
          key,
        );
      }
      for (const { row } of group)
        await closing.add({ id: row.id, claimId: row.claimId, at, error: null, outcome: "sent" });
    } catch (err) {
      const rows = group.map((s) => s.row);
      if (err instanceof MailRejected) await fail(deps, chunk.claimId, rows, errorText(err), at, report);
      else {
        // Unknown outcome: the rows stay held, and the chunk comes again for them alone.
        unknown = errorText(err);
        await sqlAll(
          deps.db,
          sql`UPDATE outbox SET last_error = ${unknown}
              WHERE claim_id = ${chunk.claimId} AND status = 'sending'
                AND id IN (SELECT value FROM json_each(${JSON.stringify(rows.map((r) => r.id))}))`,
        );
      }
    }
  }
  if (unknown !== undefined) {
    await closing.flush();
    return { retry: true, error: unknown };
  }
  await closing.flush();
  return { retry: false, report };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000);

/**
 * Records a failed attempt for rows still held under the claim, in ONE statement: pending with
 * the dispatcher's backoff (30 s doubling, capped at 1 h: backoffMs), or dead after
 * OUTBOX_MAX_ATTEMPTS.
 */
async function fail(
  deps: Deps,
  claimId: string,
  rows: ClaimedRow[],
  error: string,
  at: number,
  report: DispatchReport,
): Promise<void> {
  const out = await sqlAll<{ id: string; status: string }>(
    deps.db,
    sql`UPDATE outbox SET status = CASE WHEN attempts >= ${deps.config.OUTBOX_MAX_ATTEMPTS} THEN 'dead' ELSE 'pending' END,
                          next_attempt_at = ${at} + min(30000 * (1 << min(max(attempts - 1, 0), 7)), 3600000),
                          last_error = ${error}, claim_id = NULL, claimed_until = NULL
        WHERE claim_id = ${claimId} AND status = 'sending'
          AND id IN (SELECT value FROM json_each(${JSON.stringify(rows.map((r) => r.id))}))
        RETURNING id, status`,
  );
  for (const r of out) report[r.status === "dead" ? "dead" : "failed"]++;
  deps.log(out.some((r) => r.status === "dead") ? "error" : "warn", "outbox batch failed", {
    claimId,
    rows: out.length,
    error,
  });
}
