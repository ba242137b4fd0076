import { type SQL, sql } from "drizzle-orm";
import type { Query } from "../../db/batch.js";

/** How a message leaves: mail through the mailer, webhooks through a Courier (kinds.ts). */
export type Channel = "email" | "webhook";

/**
 * The one way to queue messages: an INSERT into the outbox of what `rows` selects, for the batch
 * of the change that causes them (so a message exists exactly when its change committed). The
 * dedupe key is unique: a replayed operation or a second runner queues nothing twice.
 *
 * `rows` is a SELECT of these columns, in any order: dedupe_key, template, params (JSON text,
 * what the kind's renderer reads), event_id, registration_id, reminder_id (or NULL).
 */
export function enqueue(rows: SQL, o: { at: Date; dueAt?: Date; channel?: Channel }): SQL {
  const at = o.at.getTime();
  const due = o.dueAt?.getTime() ?? at;
  return sql`
    INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, reminder_id,
                        status, attempts, next_attempt_at, created_at)
    SELECT ${outboxId(at)}, m.dedupe_key, ${sql.raw(`'${o.channel ?? "email"}'`)}, m.template, m.params, m.event_id, m.registration_id,
           m.reminder_id, 'pending', 0, ${due}, ${at}
    FROM (${rows}) AS m WHERE true
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

/**
 * `enqueue` for statements on hot paths written with q`` (fixed texts): the text is built once,
 * here, around `select` (a fixed SELECT text with ? parameters); the returned function takes the
 * time and the SELECT's parameters in order.
 */
export function enqueueFixed(
  select: string,
  channel: Channel = "email",
): (at: number, ...params: unknown[]) => Query {
  const text = `INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, reminder_id,
                        status, attempts, next_attempt_at, created_at)
    SELECT 'msg_' || printf('%012x', ?) || lower(hex(randomblob(8))), m.dedupe_key, '${channel}', m.template, m.params,
           m.event_id, m.registration_id, m.reminder_id, 'pending', 0, ?, ?
    FROM (${select}) AS m WHERE true
    ON CONFLICT (dedupe_key) DO NOTHING`;
  // Placeholders in text order: the id's time, next_attempt_at, created_at, then the SELECT's.
  return (at, ...params) => ({ sql: text, params: [at, at, at, ...params] });
}

/**
 * A new outbox id, written inside the INSERT ... SELECT that creates the row: the time first
 * (12 hex digits of epoch ms), then 64 random bits. Time-ordered ids append at the right edge
 * of the primary-key index; random ones land on a random page, one more page written per
 * message at COMMIT.
 */
const outboxId = (at: number) => sql`'msg_' || printf('%012x', ${at}) || lower(hex(randomblob(8)))`;
