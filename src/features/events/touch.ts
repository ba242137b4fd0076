import { eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { eventBriefs, eventPeople, events, eventTopics } from "../../db/schema.js";

/**
 * An event shows its speakers, topics and briefs, so editing one of those changes what the
 * event shows. This statement (for the same batch as that edit) moves each linked event's
 * revision and updated time, which is what caches and validators (ETags) key on.
 */
export function touchLinkedEvents(db: Db, kind: "person" | "topic" | "brief", id: string, at: Date) {
  const linked =
    kind === "person"
      ? db.select({ id: eventPeople.eventId }).from(eventPeople).where(eq(eventPeople.personId, id))
      : kind === "topic"
        ? db.select({ id: eventTopics.eventId }).from(eventTopics).where(eq(eventTopics.topicId, id))
        : db.select({ id: eventBriefs.eventId }).from(eventBriefs).where(eq(eventBriefs.briefId, id));
  return db
    .update(events)
    .set({ revision: sql`${events.revision} + 1`, updatedAt: at })
    .where(inArray(events.id, linked));
}
