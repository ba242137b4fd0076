import { eq, sql } from "drizzle-orm";
import { type Statement, sqlBatch } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { isNotNullViolation } from "../../db/errors.js";
import { events } from "../../db/schema.js";
import { conflict, invalidField } from "../../lib/problem.js";
import { resolveTime } from "../../lib/time.js";
import type { EventRow } from "./queries.js";

/**
 * An UPDATE of the event that only succeeds if nobody wrote it since we read it. When the
 * revision moved on, the CASE yields NULL, the NOT NULL constraint aborts the statement and
 * with it the whole batch (libsql and D1 batches are atomic). This gives read-check-write
 * without an interactive transaction, which D1 does not have.
 */
export function guardedUpdate(
  db: Db,
  before: EventRow,
  set: Partial<typeof events.$inferInsert>,
  bumpSequence: boolean,
) {
  return db
    .update(events)
    .set({
      ...set,
      revision: sql`CASE WHEN ${events.revision} = ${before.revision} THEN ${before.revision + 1} ELSE NULL END`,
      ...(bumpSequence ? { sequence: sql`${events.sequence} + 1` } : {}),
    })
    .where(eq(events.id, before.id));
}

/** Runs a batch that starts with a guardedUpdate, turning a lost race into a 409. */
export async function runGuarded(db: Db, statements: Statement[]): Promise<void> {
  try {
    await sqlBatch(db, statements);
  } catch (err) {
    if (isNotNullViolation(err, "revision")) {
      throw conflict(
        "edited-concurrently",
        "The event changed while this request was processed; read it again and retry.",
      );
    }
    throw err;
  }
}

/** Start and end instants from staff input; the end comes from endsAt, a duration, or the fallback. */
export function resolveSchedule(
  input: { startsAt: string; endsAt?: string; durationMinutes?: number },
  zone: string,
  fallbackMinutes: number,
): { startsAt: Date; endsAt: Date } {
  const startsAt = resolveTime("startsAt", input.startsAt, zone);
  const endsAt = input.endsAt
    ? resolveTime("endsAt", input.endsAt, zone)
    : new Date(startsAt.getTime() + (input.durationMinutes ?? fallbackMinutes) * 60_000);
  if (endsAt.getTime() <= startsAt.getTime()) throw invalidField("endsAt", "must be after startsAt");
  return { startsAt, endsAt };
}

/** The registration window: optional ends, opening before closing, closing no later than the end. */
export function resolveWindow(
  input: { registrationOpensAt?: string | null; registrationClosesAt?: string | null },
  current: { registrationOpensAt: Date | null; registrationClosesAt: Date | null },
  zone: string,
  endsAt: Date,
) {
  const pick = (field: "registrationOpensAt" | "registrationClosesAt") => {
    const v = input[field];
    if (v === undefined) return current[field];
    return v === null ? null : resolveTime(field, v, zone);
  };
  const opens = pick("registrationOpensAt");
  const closes = pick("registrationClosesAt");
  if (opens && closes && opens.getTime() >= closes.getTime()) {
    throw invalidField("registrationClosesAt", "must be after registrationOpensAt");
  }
  if (closes && closes.getTime() > endsAt.getTime()) {
    throw invalidField("registrationClosesAt", "must not be after the event ends");
  }
  return { registrationOpensAt: opens, registrationClosesAt: closes };
}

/** Fields whose change an attendee's calendar must see (RFC 5545 SEQUENCE). */
export const CALENDAR_FIELDS = [
  "title",
  "venue",
  "format",
  "joinUrl",
  "startsAt",
  "endsAt",
  "timeZone",
  "status",
] as const;

export function calendarVisibleChange(before: EventRow, after: Partial<EventRow>): boolean {
  return CALENDAR_FIELDS.some((f) => {
    if (!(f in after)) return false;
    const a = before[f];
    const b = after[f];
    return a instanceof Date && b instanceof Date ? a.getTime() !== b.getTime() : a !== b;
  });
}

/** A new event row, for the batch that creates it. */
export function insertEventStatement(db: Db, row: EventRow) {
  return db.insert(events).values(row);
}

/** Deletes an event (a draft: the caller checks and guards), for the batch that deletes it. */
export function deleteEventStatement(db: Db, id: string) {
  return db.delete(events).where(eq(events.id, id));
}
