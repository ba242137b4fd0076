import { type SQL, sql } from "drizzle-orm";

/**
 * SQL fragments for other features' statements, so that only this feature names `outbox`
 * (ownership: docs/ARCHITECTURE.md).
 */

/** Whether another message than `exceptId` was queued under this dedupe key. */
export const queuedOtherThan = (dedupeKey: SQL, exceptId: string) =>
  sql`EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = ${dedupeKey} AND o.id <> ${exceptId})`;

/**
 * Whether a message with one of `templates` was queued after `thanId` (in insertion order: the
 * rowid; ids share their time prefix within a millisecond) under a dedupe key starting with
 * `keyPrefix`: a range of the dedupe_key index, so no index on registration_id is needed (each
 * would cost every registration's commit, migration 0010).
 */
export const queuedLater = (keyPrefix: string, templates: readonly string[], thanId: string) =>
  sql`EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key >= ${keyPrefix} AND o.dedupe_key < ${`${keyPrefix}\uffff`}
        AND o.rowid > (SELECT rowid FROM outbox WHERE id = ${thanId})
        AND o.template IN (SELECT value FROM json_each(${JSON.stringify(templates)})))`;

/**
 * Delivery counts, as a JSON object, of the messages a reminder queued for its due instant
 * `dueAt`: queued, retrying, sent, failed (dead) and skipped (closed without sending).
 */
export const reminderDeliveryCounts = (reminderId: SQL, dueAt: SQL) =>
  sql`(SELECT json_object(
         'queued', coalesce(sum(o.status IN ('pending', 'sending')), 0),
         'retrying', coalesce(sum(o.status = 'pending' AND o.attempts > 0), 0),
         'sent', coalesce(sum(o.status = 'sent' AND coalesce(o.last_error, '') NOT LIKE 'skipped:%'), 0),
         'failed', coalesce(sum(o.status = 'dead'), 0),
         'skipped', coalesce(sum(o.status = 'sent' AND o.last_error LIKE 'skipped:%'), 0))
       FROM outbox o WHERE o.reminder_id = ${reminderId} AND json_extract(o.params, '$.dueAt') = ${dueAt})`;
