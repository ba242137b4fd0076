import { sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { EMAIL_BATCH_MAX } from "../../lib/budgets.js";
import {
  type ClaimedRow,
  type DispatchReport,
  type MessageKinds,
  messageIdFor,
  type Rendered,
} from "./kinds.js";

/**
 * The two places where the dispatcher works on many rows at once, for throughput (a reminder
 * goes to thousands at one moment): rendering reminder rows in chunks, and marking closed rows
 * in chunks. dispatcher.ts keeps the claim, the per-row send and the failure handling.
 */

/**
 * Rows of a kind that renders many at once (reminders) rendered together: one token/facts batch,
 * one event read. One provider batch, so a queued chunk (outbox/queue.ts) renders in one go.
 */
const RENDER_CHUNK = EMAIL_BATCH_MAX;
/** Closed rows marked together. */
const MARK_CHUNK = 100;

/**
 * Renders row `index` of a claim. A row whose kind renders many at once is rendered with the
 * next `together` - 1 rows of the same kind not rendered yet, in one renderMany call; the
 * others wait for their result, so each chunk is rendered just before its first send, and no
 * earlier. Rows of other kinds are rendered one by one, right before their send.
 */
export function renderer(deps: Deps, kinds: MessageKinds, rows: ClaimedRow[], together = RENDER_CHUNK) {
  // undefined: not rendered yet; a promise: rendered with its chunk; null: handed out (dropped,
  // so a large claim does not keep every message it sent).
  const scheduled: (Promise<Rendered> | null | undefined)[] = new Array(rows.length);
  return (index: number): Promise<Rendered> => {
    const row = rows[index]!;
    const kind = kinds.kindOf(row.template);
    const renderMany = kind?.renderMany;
    if (!kind || !renderMany) return kinds.render(deps, row);
    if (scheduled[index] === undefined) {
      const chunk: number[] = [];
      for (let j = index; j < rows.length && chunk.length < together; j++) {
        if (kinds.kindOf(rows[j]!.template) === kind && scheduled[j] === undefined) chunk.push(j);
      }
      const all = Promise.all(
        chunk.map(async (j) => ({
          row: rows[j]!,
          messageId: await messageIdFor(rows[j]!.dedupeKey, deps.config.PUBLIC_URL),
        })),
      ).then((items) => renderMany.call(kind, deps, items));
      chunk.forEach((j, k) => {
        const one = all.then((results) => {
          const r = results[k];
          if (!r) throw new Error("nothing rendered");
          if (r instanceof Error) throw r;
          return r;
        });
        // A row released before its send never awaits its result: its failure is no crash.
        one.catch(() => {});
        scheduled[j] = one;
      });
    }
    const mine = scheduled[index];
    if (!mine) throw new Error(`outbox row ${row.id} was rendered twice`);
    scheduled[index] = null;
    return mine;
  };
}

export interface Closed {
  id: string;
  claimId: string;
  /** sent_at */
  at: number;
  /** last_error: "skipped: <reason>", or null to keep the row's last error (a sent row). */
  error: string | null;
  outcome: "sent" | "skipped";
}

/**
 * Marks rows as closed ('sent', or 'sent' with "skipped: ..."), `together` (MARK_CHUNK) at a time: one UPDATE
 * for the chunk, conditional on the claim id per row, with each row's own time and reason.
 * The report counts a row once it is marked (or, lease lost, found taken over).
 */
export function closer(deps: Deps, report: DispatchReport, together = MARK_CHUNK) {
  let waiting: Closed[] = [];
  const flush = async () => {
    const chunk = waiting;
    waiting = [];
    if (chunk.length === 0) return;
    const list = JSON.stringify(chunk.map(({ id, claimId, at, error }) => ({ id, claimId, at, error })));
    let marked: { id: string }[];
    try {
      marked = await sqlAll<{ id: string }>(
        deps.db,
        sql`UPDATE outbox SET status = 'sent', sent_at = d.at, last_error = coalesce(d.error, outbox.last_error),
                              claim_id = NULL, claimed_until = NULL
            FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.claimId') AS claim_id,
                         json_extract(value, '$.at') AS at, json_extract(value, '$.error') AS error
                  FROM json_each(${list})) AS d
            WHERE outbox.id = d.id AND outbox.claim_id = d.claim_id
            RETURNING outbox.id AS id`,
      );
    } catch (err) {
      // As for a single row: they stay 'sending' and are taken up again when their lease ends.
      for (const c of chunk) {
        deps.log("error", "outbox outcome not recorded", { id: c.id, error: String(err) });
        report.failed++;
      }
      return;
    }
    const done = new Set(marked.map((m) => String(m.id)));
    for (const c of chunk) {
      report[c.outcome]++;
      if (c.outcome === "sent" && !done.has(c.id)) {
        // The lease ran out mid-send and another dispatcher took the row: it may be sent twice,
        // with the same Message-ID. Worth knowing about, not worth failing for.
        deps.log("warn", "outbox claim lost before marking sent", { id: c.id });
      }
    }
  };
  return {
    async add(closed: Closed) {
      waiting.push(closed);
      if (waiting.length >= together) await flush();
    },
    flush,
  };
}
