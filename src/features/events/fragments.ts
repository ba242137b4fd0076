import { type SQL, sql } from "drizzle-orm";
import { QueryPart, sqlAll } from "../../db/batch.js";
import type { Db } from "../../db/client.js";

/**
 * SQL fragments for other features' statements, so that only this feature names `events`
 * (ownership: docs/ARCHITECTURE.md). Each looks one event up by its primary key, so a
 * caller's single statement stays one statement (atomic in its batch, one D1 round trip).
 */
type Id = SQL | string;

/** Columns other features may read one at a time. */
type Readable = "sequence" | "capacity" | "waitlist" | "status" | "starts_at" | "ends_at" | "time_zone";
export const eventValue = (id: Id, column: Readable) =>
  sql`(SELECT ${sql.raw(column)} FROM events WHERE id = ${id})`;

/** Published and not over at `at`: registrations can still change (promotions, staff). */
export const eventOpenAt = (id: Id, at: number) =>
  sql`EXISTS (SELECT 1 FROM events WHERE id = ${id} AND status = 'published' AND ends_at > ${at})`;

/** Published and online (virtual or hybrid): its registrants get join links. */
export const eventOnline = (id: Id) =>
  sql`EXISTS (SELECT 1 FROM events WHERE id = ${id} AND status = 'published' AND format IN ('virtual', 'hybrid'))`;

export const eventHasStatus = (id: Id, status: "draft" | "published" | "cancelled") =>
  sql`EXISTS (SELECT 1 FROM events WHERE id = ${id} AND status = ${status})`;

/** The event still has this start, zone and reminder list (a plan computed from it holds). */
export const eventScheduleIs = (id: string, startsAt: number, timeZone: string, reminders: string[]) =>
  sql`EXISTS (SELECT 1 FROM events WHERE id = ${id} AND starts_at = ${startsAt}
    AND time_zone = ${timeZone} AND reminders = ${JSON.stringify(reminders)})`;

/**
 * Published events still ahead that have reminder offsets, except those `unless` holds for
 * (given the event id as SQL): what a repair of missing reminder plans looks at.
 */
export async function upcomingWithReminders(db: Db, now: Date, unless: (eventId: SQL) => SQL, limit: number) {
  const rows = await sqlAll<{ id: string; starts_at: number; time_zone: string; reminders: string }>(
    db,
    sql`SELECT e.id, e.starts_at, e.time_zone, e.reminders FROM events e
        WHERE e.status = 'published' AND e.starts_at > ${now.getTime()} AND e.reminders <> '[]'
          AND NOT ${unless(sql`e.id`)}
        LIMIT ${limit}`,
  );
  return rows.map((e) => ({
    id: e.id,
    status: "published" as const,
    startsAt: new Date(e.starts_at),
    timeZone: e.time_zone,
    reminders: JSON.parse(e.reminders) as string[],
  }));
}

/** What a message needs to name its event, as JSON text (times as epoch ms). */
export const eventFactsJson = (id: Id) =>
  sql`(SELECT json_object('id', id, 'sequence', sequence, 'title', title, 'slug', slug, 'format', format,
         'venue', venue, 'starts_at', starts_at, 'ends_at', ends_at, 'time_zone', time_zone, 'status', status)
       FROM events WHERE id = ${id})`;

/** For the registration's fixed-text statement (q``): the event's seating as a row source. */
export const eventSeating = (id: string) =>
  new QueryPart("(SELECT id, waitlist, capacity FROM events WHERE id = ?)", [id]);

const isoText = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;

/**
 * An event as webhook payloads show it, as JSON text: never its join URL. For fixed texts (q``):
 * the event is `idExpr` (a column of the caller's statement), and the one ? is the public URL.
 */
export const eventPayloadText = (idExpr: string) =>
  `(SELECT json_object('id', id, 'slug', slug, 'title', title, 'summary', summary, 'status', status,
      'format', format, 'startsAt', ${isoText("starts_at")}, 'endsAt', ${isoText("ends_at")},
      'timeZone', time_zone, 'venue', venue, 'sequence', sequence, 'url', ? || '/events/' || slug)
    FROM events WHERE id = ${idExpr})`;

/** `eventPayloadText` for sql`` statements: the event by id (or a column, as SQL). */
export const eventPayload = (id: Id, publicUrl: string) => {
  const [head, tail] = eventPayloadText("\u0000").split("?") as [string, string];
  const [mid, end] = tail.split("\u0000") as [string, string];
  return sql`${sql.raw(head)}${publicUrl}${sql.raw(mid)}${id}${sql.raw(end)}`;
};
