import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import { isNotNullViolation } from "../../db/errors.js";
import { type OUTBOX_STATUSES, outbox } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { conflict, invalidField, notFound } from "../../lib/problem.js";
import { isoUtc } from "../../lib/time.js";
import { type Actor, auditInsert } from "../audit/index.js";

type OutboxRow = typeof outbox.$inferSelect;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** What staff see of a message: its state and history, never its parameters or any token. */
export function messageView(r: OutboxRow) {
  return {
    id: r.id,
    template: r.template,
    channel: r.channel,
    registrationId: r.registrationId,
    eventId: r.eventId,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    nextAttemptAt: isoUtc(r.nextAttemptAt),
    createdAt: isoUtc(r.createdAt),
    sentAt: r.sentAt ? isoUtc(r.sentAt) : null,
  };
}

const encodeCursor = (r: OutboxRow) => `${r.createdAt.getTime()}.${r.id}`;

function decodeCursor(raw: string): { at: Date; id: string } {
  const m = /^(\d{1,15})\.([\w-]{1,100})$/.exec(raw);
  if (!m) throw invalidField("cursor", "is not a cursor returned by this API");
  return { at: new Date(Number(m[1])), id: m[2]! };
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listMessages(
  deps: Pick<Deps, "db">,
  q: { status?: OutboxStatus; limit: number; cursor?: string },
) {
  const c = q.cursor ? decodeCursor(q.cursor) : undefined;
  const rows = await deps.db
    .select()
    .from(outbox)
    .where(
      and(
        q.status ? eq(outbox.status, q.status) : undefined,
        c ? or(lt(outbox.createdAt, c.at), and(eq(outbox.createdAt, c.at), lt(outbox.id, c.id))) : undefined,
      ),
    )
    .orderBy(desc(outbox.createdAt), desc(outbox.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    data: page.map(messageView),
    nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!) : null,
  };
}

/**
 * Puts a dead message back in the queue: pending, attempts 0, due now, with its audit row in
 * the same batch. The UPDATE is its own guard: for a row that is no longer dead the CASE
 * yields NULL, the NOT NULL constraint fails and the batch (audit row included) rolls back.
 */
export async function retryMessage(deps: Deps, actor: Actor, id: string) {
  const { db } = deps;
  const [row] = await db.select().from(outbox).where(eq(outbox.id, id));
  if (!row) throw notFound(`Message ${id}`);
  const notDead = () =>
    conflict("not-dead", `The message is ${row.status}; only dead messages can be retried.`);
  if (row.status !== "dead") throw notDead();
  const now = deps.clock.now();
  try {
    await sqlBatch(db, [
      sql`UPDATE outbox SET status = CASE WHEN status = 'dead' THEN 'pending' END, attempts = 0,
                            next_attempt_at = ${now.getTime()}, claim_id = NULL, claimed_until = NULL
          WHERE id = ${id}`,
      auditInsert(db, now, actor, {
        action: "outbox.retry",
        entityType: "outbox",
        entityId: id,
        before: { status: row.status, attempts: row.attempts, lastError: row.lastError },
        after: { status: "pending", attempts: 0 },
      }),
    ]);
  } catch (err) {
    if (isNotNullViolation(err, "status")) throw notDead();
    throw err;
  }
  const [after] = await db.select().from(outbox).where(eq(outbox.id, id));
  return messageView(after!);
}
