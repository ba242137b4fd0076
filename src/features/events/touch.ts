import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import {
  eventBriefs,
  eventPeople,
  events,
  eventTopics,
  recordingChapters,
  recordings,
} from "../../db/schema.js";

/**
 * An event shows its speakers, topics and briefs, so editing one of those changes what the
 * event shows. This statement (for the same batch as that edit) moves each linked event's
 * revision and updated time, which is what caches and validators (ETags) key on. A brief also
 * shows through the chapters of an event's recordings.
 */
export function touchLinkedEvents(db: Db, kind: "person" | "topic" | "brief", id: string, at: Date) {
  const linked =
    kind === "person"
      ? db.select({ id: eventPeople.eventId }).from(eventPeople).where(eq(eventPeople.personId, id))
      : kind === "topic"
        ? db.select({ id: eventTopics.eventId }).from(eventTopics).where(eq(eventTopics.topicId, id))
        : db
            .select({ id: eventBriefs.eventId })
            .from(eventBriefs)
            .where(eq(eventBriefs.briefId, id))
            .union(
              db
                .select({ id: recordings.eventId })
                .from(recordingChapters)
                .innerJoin(recordings, eq(recordings.id, recordingChapters.recordingId))
                .where(eq(recordingChapters.briefId, id)),
            );
  return db
    .update(events)
    .set({ revision: sql`${events.revision} + 1`, updatedAt: at })
    .where(inArray(events.id, linked));
}

/**
 * Moves one event's revision and updated time for a write to something it owns but that lives
 * in another table (its recordings), in the same batch as that write. Unconditional: such
 * writes never read-check-write the event row itself.
 */
export function touchEvent(db: Db, eventId: string, at: Date) {
  return db
    .update(events)
    .set({ revision: sql`${events.revision} + 1`, updatedAt: at })
    .where(eq(events.id, eventId));
}
