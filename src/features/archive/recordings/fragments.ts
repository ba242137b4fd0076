import { type SQL, sql } from "drizzle-orm";

/**
 * Whether an event has a published recording, as an SQL condition for other statements (the
 * reminders' recording notice checks it when planned and again when sent), so that only the
 * archive names `recordings`. The unary + keeps the planner on recordings_event (one event's
 * rows) rather than recordings_published (every published recording).
 */
export const recordingPublished = (eventId: SQL) =>
  sql`EXISTS (SELECT 1 FROM recordings x WHERE x.event_id = ${eventId} AND +x.published = 1)`;
