import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { changeCounters } from "../../db/schema.js";

/*
 * Views computed over many events (the calendar feed's version, the archive's version) are
 * kept while this count is unchanged: triggers bump it in the same statement as any insert,
 * update or delete of an event (migration 0009), whichever process or tool makes it. Every
 * write those views show touches its events (touch.ts), so an unchanged count means unchanged
 * data; only the passing of time still has to be checked by the view itself.
 */

const statements = new WeakMap<Db, ReturnType<typeof prepare>>();

const prepare = (db: Db) =>
  db.select({ n: changeCounters.n }).from(changeCounters).where(eq(changeCounters.name, "events")).prepare();

/** The count of changes to events so far, or null if the counter row is missing (then keep nothing). */
export async function eventsChangeCount(db: Db): Promise<number | null> {
  let statement = statements.get(db);
  if (!statement) {
    statement = prepare(db);
    statements.set(db, statement);
  }
  const [row] = await statement.all();
  return row ? row.n : null;
}

/** A value computed at `readAt` from the events as of `count`, good until `validUntil` (ms). */
export interface Kept<T> {
  count: number;
  readAt: number;
  validUntil: number;
  value: T;
}

/** Whether a kept value still holds at `at` with the events change count `count`. */
export const stillHolds = <T>(kept: Kept<T> | undefined, count: number | null, at: number): kept is Kept<T> =>
  kept !== undefined && count !== null && kept.count === count && at >= kept.readAt && at < kept.validUntil;
