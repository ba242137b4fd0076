import { sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import type { EventRow } from "../events/index.js";

export interface Availability {
  /** Seats still free (capacity minus confirmed); null when the event has no capacity limit. */
  seatsLeft: number | null;
  /** No seat left: new registrations go to the waitlist, or are refused without one. */
  full: boolean;
}

/** What the event page tells visitors before they fill the form. The engine decides at submit. */
export async function availability(db: Db, event: Pick<EventRow, "id" | "capacity">): Promise<Availability> {
  if (event.capacity === null) return { seatsLeft: null, full: false };
  const [row] = await sqlAll<{ n: number }>(
    db,
    sql`SELECT count(*) AS n FROM registrations WHERE event_id = ${event.id} AND status = 'confirmed'`,
  );
  const seatsLeft = Math.max(0, event.capacity - Number(row?.n ?? 0));
  return { seatsLeft, full: seatsLeft === 0 };
}
