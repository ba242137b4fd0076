import { sql } from "drizzle-orm";
import { z } from "zod";
import { sqlAll } from "../../db/batch.js";
import { REMINDER_KINDS, REMINDER_STATUSES } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { IsoInstant } from "../../lib/schemas.js";
import { isoUtc, localView } from "../../lib/time.js";
import { requireEvent } from "../events/index.js";
import { reminderDeliveryCounts } from "../outbox/index.js";
import { remindersOptedOut } from "../registrations/index.js";

const Counts = z.object({
  queued: z.number().describe("Waiting to be sent (including retries)"),
  retrying: z.number().describe("Of the queued, those that failed at least once"),
  sent: z.number(),
  failed: z.number().describe("Gave up after OUTBOX_MAX_ATTEMPTS (dead; retry through the outbox API)"),
  skipped: z.number().describe("Closed without sending: cancelled, opted out, erased, moved or too late"),
});

export const ReminderPlanOut = z.object({
  eventId: z.string(),
  timeZone: z.string(),
  startsAt: IsoInstant,
  offsets: z.array(z.string()).describe("The event's reminder offsets"),
  optedOut: z.number().describe("Confirmed registrants who turned reminders off for this event"),
  reminders: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(REMINDER_KINDS),
      offset: z.string().describe('ISO 8601 duration, or "recording" for the recording notice'),
      dueAt: IsoInstant,
      dueLocal: z.string().describe("The due instant as wall time in the event's zone, with its UTC offset"),
      status: z.enum(REMINDER_STATUSES),
      skipReason: z.string().nullable(),
      doneAt: IsoInstant.nullable().describe("When every message was queued (done) or it was skipped"),
      delivery: Counts.describe("Messages for this due instant"),
    }),
  ),
});
export type ReminderPlan = z.infer<typeof ReminderPlanOut>;

interface Row {
  id: string;
  kind: (typeof REMINDER_KINDS)[number];
  offset_iso: string;
  due_at: number;
  status: (typeof REMINDER_STATUSES)[number];
  skip_reason: string | null;
  done_at: number | null;
  counts: string;
}

/**
 * An event's reminder plan with delivery counts, in one statement. Counts cover the messages of
 * the reminder's current due instant: after a move, those sent for the old time are not counted
 * (they stay listed in the outbox).
 */
export async function reminderPlan(deps: Deps, idOrSlug: string): Promise<ReminderPlan> {
  const ev = await requireEvent(deps, idOrSlug);
  const rows = await sqlAll<Row>(
    deps.db,
    sql`SELECT m.id, m.kind, m.offset_iso, m.due_at, m.status, m.skip_reason, m.done_at,
               ${reminderDeliveryCounts(sql`m.id`, sql`m.due_at`)} AS counts
        FROM reminders m WHERE m.event_id = ${ev.id}
        ORDER BY m.kind = 'recording', m.due_at, m.offset_iso`,
  );
  const optedOut = await remindersOptedOut(deps.db, ev.id);
  return {
    eventId: ev.id,
    timeZone: ev.timeZone,
    startsAt: isoUtc(ev.startsAt),
    offsets: ev.reminders,
    optedOut,
    reminders: rows.map((r) => {
      const local = localView(new Date(Number(r.due_at)), ev.timeZone);
      return {
        id: r.id,
        kind: r.kind,
        offset: r.offset_iso,
        dueAt: isoUtc(new Date(Number(r.due_at))),
        dueLocal: `${local.local}${local.offset}`,
        status: r.status,
        skipReason: r.skip_reason,
        doneAt: r.done_at === null ? null : isoUtc(new Date(Number(r.done_at))),
        delivery: JSON.parse(r.counts),
      };
    }),
  };
}
