import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { outbox } from "../../db/schema.js";
import { invalidField } from "../../lib/problem.js";
import { messageView } from "./service.js";

/**
 * Messages grouped by a dedupe-key prefix, for a channel that keys its rows by what they go to
 * (webhooks: `wh:<endpoint id>:`): a range of the unique dedupe_key index, so no column or index
 * is added for it (each index costs every registration's commit, migration 0010).
 */

const inRange = (prefix: string) =>
  and(gte(outbox.dedupeKey, prefix), lt(outbox.dedupeKey, `${prefix}\uffff`));

/** A message as staff see it, with its dedupe key and parameters (the caller decides what to show). */
export type KeyedMessage = ReturnType<typeof messageView> & {
  dedupeKey: string;
  params: Record<string, unknown>;
};

/** The messages under `prefix`, newest first, keyset-paged on (created_at, id). */
export async function messagesUnder(
  db: Db,
  prefix: string,
  q: { limit: number; cursor?: string },
): Promise<{ data: KeyedMessage[]; nextCursor: string | null }> {
  const m = q.cursor ? /^(\d{1,15})\.([\w-]{1,100})$/.exec(q.cursor) : null;
  if (q.cursor && !m) throw invalidField("cursor", "is not a cursor returned by this API");
  const c = m ? { at: new Date(Number(m[1])), id: m[2]! } : undefined;
  const rows = await db
    .select()
    .from(outbox)
    .where(
      and(
        inRange(prefix),
        c ? or(lt(outbox.createdAt, c.at), and(eq(outbox.createdAt, c.at), lt(outbox.id, c.id))) : undefined,
      ),
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    data: page.map((r) => ({ ...messageView(r), dedupeKey: r.dedupeKey, params: r.params })),
    nextCursor: rows.length > q.limit && last ? `${last.createdAt.getTime()}.${last.id}` : null,
  };
}

/** One message under `prefix`, or undefined. */
export async function messageUnder(db: Db, prefix: string, id: string): Promise<KeyedMessage | undefined> {
  const [r] = await db
    .select()
    .from(outbox)
    .where(and(eq(outbox.id, id), inRange(prefix)));
  return r ? { ...messageView(r), dedupeKey: r.dedupeKey, params: r.params } : undefined;
}

/**
 * A copy of message `id` (same channel, template and parameters) under a new dedupe key, due
 * now: a replay, a message of its own with its own attempts and outcome.
 */
export function copyMessage(id: string, dedupeKey: string, at: Date): SQL {
  const t = at.getTime();
  return sql`
    INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, reminder_id,
                        status, attempts, next_attempt_at, created_at)
    SELECT 'msg_' || printf('%012x', ${t}) || lower(hex(randomblob(8))), ${dedupeKey}, channel, template, params,
           event_id, registration_id, reminder_id, 'pending', 0, ${t}, ${t}
    FROM outbox WHERE id = ${id}`;
}

/**
 * The right to erasure reaches what was queued for others: webhook payloads about these
 * registrations (`registrationIds`, a SELECT of ids) lose their data, sent ones included, and
 * those still waiting are closed unsent. Mail rows hold only ids (rendered at send time).
 * Reads the outbox without an index on registration_id (none is kept: each cost every
 * registration's commit, migration 0010); erasure is rare.
 */
export function forgetWebhookData(registrationIds: SQL, at: Date): SQL {
  return sql`
    UPDATE outbox SET params = json_set(params, '$.data', json('{"erased":true}')),
      status = CASE WHEN status = 'pending' THEN 'sent' ELSE status END,
      sent_at = CASE WHEN status = 'pending' THEN ${at.getTime()} ELSE sent_at END,
      last_error = CASE WHEN status = 'pending' THEN 'skipped: registrant erased' ELSE last_error END
    WHERE channel = 'webhook' AND registration_id IN (${registrationIds})`;
}

/**
 * Closed (sent or dead) webhook messages created before `before`, oldest first, at most `limit`,
 * through the partial index outbox_webhook_closed (migration 0016). Its terms repeat the index's
 * as literals (SQLite matches a partial index's terms as written, not through a bound
 * parameter), and INDEXED BY holds the planner to it: left alone it chose outbox_due for the
 * `status IN` term and read every sent message. Should the index ever not fit, the statement
 * fails instead of reading the outbox.
 */
export const closedWebhooks = (before: number, limit: number): SQL =>
  sql`SELECT id FROM outbox INDEXED BY outbox_webhook_closed
      WHERE channel = 'webhook' AND status IN ('sent', 'dead') AND created_at < ${before}
      ORDER BY created_at LIMIT ${limit}`;

/**
 * Deletes closedWebhooks(before, limit); returns how many. Mail rows are never pruned: a mail
 * row's dedupe key is what stops its message being queued twice.
 */
export async function pruneClosedWebhooks(db: Db, before: number, limit: number): Promise<number> {
  const deleted = await sqlAll(
    db,
    sql`DELETE FROM outbox WHERE id IN (${closedWebhooks(before, limit)}) RETURNING id`,
  );
  return deleted.length;
}
