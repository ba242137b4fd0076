import { type SQL, sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import {
  dueInstant,
  eventHasStatus,
  eventScheduleIs,
  eventValue,
  upcomingWithReminders,
} from "../events/index.js";
import type { RecordingCheck } from "./render.js";

/** What the plan of an event depends on. */
export interface PlannedEvent {
  id: string;
  status: "draft" | "published" | "cancelled";
  startsAt: Date;
  timeZone: string;
  reminders: string[];
}

/**
 * Statements (for the batch of the event's own write, after its guarded UPDATE, so a lost race
 * rolls them back) that bring the `reminders` rows in line with the event:
 *
 * - A row whose due instant is unchanged keeps its state; new offsets are planned; offsets no
 *   longer listed are dropped.
 * - A row whose due instant moved (the start or zone changed) is planned afresh, even one already
 *   sent: registrants get the reminder again for the new time (its messages carry the new due
 *   instant in their dedupe key, so it is a new message, sent once).
 * - `publishing`: the draft's rows (never fanned out) are all planned afresh.
 *
 * A freshly planned reminder whose moment is already past is recorded as skipped, never sent
 * late: late sending is only for moments that passed while the service was down (due work
 * decides those); a moved event's updated invitation tells people instead. Drafts plan every
 * row as scheduled: nothing fans out for a draft, and publishing replans.
 */
export function planStatements(ev: PlannedEvent, now: Date, publishing = false): SQL[] {
  if (ev.status === "cancelled") return [dropPlan(ev.id, "the event was cancelled", now)];
  const at = now.getTime();
  const force = publishing ? 1 : 0;
  // Each statement applies only while the event still has this start, zone and list, so a plan
  // computed from a stale read (due-work's repair racing an edit) writes nothing.
  const current = eventScheduleIs(ev.id, ev.startsAt.getTime(), ev.timeZone, ev.reminders);
  const upserts = ev.reminders.map((iso) => {
    const due = dueInstant(ev.startsAt, ev.timeZone, iso).getTime();
    const late = ev.status === "published" && due <= at;
    const status = late ? "skipped" : "scheduled";
    const reason = late ? "its moment had passed when it was planned" : null;
    return sql`
      INSERT INTO reminders (id, event_id, kind, offset_iso, due_at, status, skip_reason, created_at, updated_at)
      SELECT 'rem_' || lower(hex(randomblob(10))), ${ev.id}, 'before_start', ${iso}, ${due}, ${status}, ${reason}, ${at}, ${at}
      WHERE ${current}
      ON CONFLICT (event_id, offset_iso) DO UPDATE SET
        due_at = excluded.due_at, status = excluded.status, skip_reason = excluded.skip_reason,
        claim_id = NULL, claimed_until = NULL, cursor = NULL, done_at = NULL, updated_at = excluded.updated_at
      WHERE reminders.due_at <> excluded.due_at OR reminders.status = 'dropped' OR ${force} = 1`;
  });
  // Offsets no longer in the list stop; what they sent stays on record.
  const removed = sql`
    UPDATE reminders SET status = 'dropped', skip_reason = 'removed from the event''s reminders',
                         claim_id = NULL, claimed_until = NULL, updated_at = ${at}
    WHERE event_id = ${ev.id} AND kind = 'before_start' AND status IN ('scheduled', 'fanning') AND ${current}
      AND offset_iso NOT IN (SELECT value FROM json_each(${JSON.stringify(ev.reminders)}))`;
  return [...upserts, removed];
}

/** Cancelling stops everything still to come, the recording notice included. */
export function dropPlan(eventId: string, reason: string, now: Date): SQL {
  const at = now.getTime();
  return sql`
    UPDATE reminders SET status = 'dropped', skip_reason = ${reason}, claim_id = NULL, claimed_until = NULL,
                         updated_at = ${at}
    WHERE event_id = ${eventId} AND status IN ('scheduled', 'fanning')`;
}

/**
 * The "recording available" notice: planned when a published recording is attached, due when
 * the event ends (or at once if it has ended). One row per event, so a second recording plans
 * nothing new, and the notice goes out once.
 */
export function planRecordingNotice(eventId: string, now: Date, recordingPublished: RecordingCheck): SQL {
  const at = now.getTime();
  return sql`
    INSERT INTO reminders (id, event_id, kind, offset_iso, due_at, status, created_at, updated_at)
    SELECT 'rem_' || lower(hex(randomblob(10))), ${eventId}, 'recording', 'recording',
           max(${eventValue(eventId, "ends_at")}, ${at}), 'scheduled', ${at}, ${at}
    WHERE ${eventHasStatus(eventId, "published")} AND ${recordingPublished(sql`${eventId}`)}
    ON CONFLICT (event_id, offset_iso) DO NOTHING`;
}

/**
 * Plans reminders for published upcoming events that have none (events from before reminders
 * existed; every event write plans its own event in its own batch). 20 a run.
 */
export async function repairMissingPlans(deps: Deps, now: Date): Promise<number> {
  const planned = (eventId: SQL) =>
    sql`EXISTS (SELECT 1 FROM reminders m WHERE m.event_id = ${eventId} AND m.kind = 'before_start')`;
  const events = await upcomingWithReminders(deps.db, now, planned, 20);
  for (const ev of events) await sqlBatch(deps.db, planStatements(ev, now));
  return events.length;
}
