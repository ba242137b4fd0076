import { type SQL, sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Db } from "../../db/client.js";

/**
 * What other features may read of registrations and attendees, as row sources with fixed
 * columns for their own statements, or as functions, so that only this feature names its
 * tables (ownership: docs/ARCHITECTURE.md). A row source is a subquery SQLite flattens into
 * the caller's statement: same plan, same single statement.
 */

/**
 * Registrations with their attendee, as a row source `(id, event_id, status, confirmed_at,
 * reminders_opt_out, join_key, email, name, erased_at)`: what a message to a registrant checks
 * at send time (joinPath reads it).
 */
export const recipients = sql`(SELECT r.id, r.event_id, r.status, r.confirmed_at, r.reminders_opt_out, r.join_key,
    a.email, a.name, a.erased_at FROM registrations r JOIN attendees a ON a.id = r.attendee_id)`;

/**
 * Who gets an event's reminder, as a row source `(id, event_id)`: confirmed and not opted out,
 * and (for a reminder, not the recording notice) confirmed by its due moment.
 */
export function reminderAudience(eventId: string, confirmedBy: number | null): SQL {
  return sql`(SELECT id, event_id FROM registrations
    WHERE event_id = ${eventId} AND status = 'confirmed' AND reminders_opt_out = 0
    ${confirmedBy === null ? sql`` : sql`AND confirmed_at <= ${confirmedBy}`})`;
}

/** Confirmed registrants of an event who turned its reminders off. */
export async function remindersOptedOut(db: Db, eventId: string): Promise<number> {
  const [row] = await sqlAll<{ n: number }>(
    db,
    sql`SELECT count(*) AS n FROM registrations
        WHERE event_id = ${eventId} AND status = 'confirmed' AND reminders_opt_out = 1`,
  );
  return Number(row?.n ?? 0);
}
