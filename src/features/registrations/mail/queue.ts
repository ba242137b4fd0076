import { type SQL, sql } from "drizzle-orm";
import { eventHasStatus, eventValue } from "../../events/index.js";
import { enqueue } from "../../outbox/index.js";

/** Message templates of registrants' mail (rendered by render.ts). */
export type Template =
  | "registration.confirmed"
  | "registration.waitlisted"
  | "registration.promoted"
  | "registration.cancelled"
  | "registration.resend"
  | "event.updated"
  | "event.cancelled";

export const TEMPLATES: readonly Template[] = [
  "registration.confirmed",
  "registration.waitlisted",
  "registration.promoted",
  "registration.cancelled",
  "registration.resend",
  "event.updated",
  "event.cancelled",
];

/**
 * The dedupe key of an event-wide invitation message: one per registration, event SEQUENCE and
 * iCalendar METHOD, so a change reaches each registrant once however often the batch or the
 * dispatcher runs. `registrationId` and `sequence` may be SQL (inside an INSERT ... SELECT).
 */
export function inviteKey(
  registrationId: string | SQL,
  sequence: number | SQL,
  method: "REQUEST" | "CANCEL",
) {
  return sql`'reg:' || ${registrationId} || ':invite:' || ${sequence} || ':' || ${method}`;
}

/**
 * Messages for the registrations an operation changed: one per registration whose op_id is
 * `opId` and whose status is `status`, in the same batch as the change. The dedupe key makes a
 * replay of the same operation, or a second runner, write nothing twice.
 */
export function outboxForOp(o: {
  opId: string;
  status: "confirmed" | "waitlisted" | "cancelled";
  template: Template;
  now: Date;
  dedupe: string;
}) {
  // A cancellation records whether the person held a seat (and so an invitation), so that its
  // METHOD:CANCEL is decided by what they were sent, not by what happened since (render.ts).
  const params =
    o.status === "cancelled"
      ? sql`json_object('registrationId', r.id, 'hadSeat', json(CASE WHEN r.confirmed_at IS NULL THEN 'false' ELSE 'true' END))`
      : sql`json_object('registrationId', r.id)`;
  return enqueue(
    sql`SELECT 'reg:' || r.id || ':' || ${o.dedupe} AS dedupe_key, ${o.template} AS template, ${params} AS params,
               r.event_id, r.id AS registration_id, NULL AS reminder_id
        FROM registrations r
        WHERE r.op_id = ${o.opId} AND r.status = ${o.status}`,
    { at: o.now },
  );
}

/**
 * "event.updated" for every confirmed registration of a published event: a REQUEST with the
 * event's new SEQUENCE. One statement whatever the number of registrants, for the batch of the
 * change itself, placed after the event's UPDATE so that it reads the new sequence (and before
 * any promotion in the same batch: the promoted get their own "you're in" invitation).
 */
export function eventUpdatedInvites(eventId: string, now: Date) {
  return enqueue(
    sql`SELECT ${inviteKey(sql`r.id`, sql`s.sequence`, "REQUEST")} AS dedupe_key, 'event.updated' AS template,
               json_object('registrationId', r.id, 'sequence', s.sequence) AS params, r.event_id,
               r.id AS registration_id, NULL AS reminder_id
        FROM registrations r, (SELECT ${eventValue(eventId, "sequence")} AS sequence) s
        WHERE r.event_id = ${eventId} AND r.status = 'confirmed' AND ${eventHasStatus(eventId, "published")}`,
    { at: now },
  );
}

/**
 * "event.cancelled" for every confirmed and waitlisted registration of a cancelled event, after
 * the UPDATE that cancels it in the same batch. Those with a seat get METHOD:CANCEL with it.
 */
export function eventCancelledNotices(eventId: string, now: Date) {
  return enqueue(
    sql`SELECT ${inviteKey(sql`r.id`, sql`s.sequence`, "CANCEL")} AS dedupe_key, 'event.cancelled' AS template,
               json_object('registrationId', r.id, 'sequence', s.sequence,
                           'hadSeat', json(CASE WHEN r.status = 'confirmed' THEN 'true' ELSE 'false' END)) AS params,
               r.event_id, r.id AS registration_id, NULL AS reminder_id
        FROM registrations r, (SELECT ${eventValue(eventId, "sequence")} AS sequence) s
        WHERE r.event_id = ${eventId} AND r.status IN ('confirmed', 'waitlisted')
          AND ${eventHasStatus(eventId, "cancelled")}`,
    { at: now },
  );
}
