import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { events } from "../../db/schema.js";

/**
 * Edits to a linked person, topic or brief move the revision of the events that show them
 * through triggers (migration 0011). This one is for the event's own recordings:
 * moves one event's revision and updated time for a write to something it owns but that lives
 * in another table (its recordings), in the same batch as that write. Unconditional: such
 * writes never read-check-write the event row itself.
 */
export function touchEvent(db: Db, eventId: string, at: Date) {
  return db
    .update(events)
    .set({ revision: sql`${events.revision} + 1`, updatedAt: at })
    .where(eq(events.id, eventId));
}
