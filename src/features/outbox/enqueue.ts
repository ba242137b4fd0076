import { type SQL, sql } from "drizzle-orm";

/** Message templates the dispatcher knows how to render (see templates.ts). */
export type Template =
  | "registration.confirmed"
  | "registration.waitlisted"
  | "registration.promoted"
  | "registration.cancelled"
  | "registration.resend"
  | "event.updated"
  | "event.cancelled";

/**
 * A new outbox id, written inside the INSERT ... SELECT that creates the row: the time first
 * (12 hex digits of epoch ms), then 64 random bits. Time-ordered ids append at the right edge
 * of the primary-key index; random ones land on a random page, one more page written per
 * message at COMMIT.
 */
export const outboxId = (at: number) => sql`'msg_' || printf('%012x', ${at}) || lower(hex(randomblob(8)))`;

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
 * Outbox rows for the registrations an operation changed: one per registration whose op_id is
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
  const now = o.now.getTime();
  // A cancellation records whether the person held a seat (and so an invitation), so that its
  // METHOD:CANCEL is decided by what they were sent, not by what happened since (templates.ts).
  const params =
    o.status === "cancelled"
      ? sql`json_object('registrationId', r.id, 'hadSeat', json(CASE WHEN r.confirmed_at IS NULL THEN 'false' ELSE 'true' END))`
      : sql`json_object('registrationId', r.id)`;
  return sql`
    INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, status, attempts, next_attempt_at, created_at)
    SELECT ${outboxId(now)}, 'reg:' || r.id || ':' || ${o.dedupe}, 'email', ${o.template},
           ${params}, r.event_id, r.id, 'pending', 0, ${now}, ${now}
    FROM registrations r
    WHERE r.op_id = ${o.opId} AND r.status = ${o.status}
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

/** One outbox row for one registration, unless a row with this dedupe key exists already. */
export function outboxForRegistration(o: {
  registrationId: string;
  template: Template;
  now: Date;
  dedupe: string;
}) {
  const now = o.now.getTime();
  return sql`
    INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, status, attempts, next_attempt_at, created_at)
    SELECT ${outboxId(now)}, 'reg:' || r.id || ':' || ${o.dedupe}, 'email', ${o.template},
           json_object('registrationId', r.id), r.event_id, r.id, 'pending', 0, ${now}, ${now}
    FROM registrations r
    WHERE r.id = ${o.registrationId}
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

/**
 * "event.updated" for every confirmed registration of a published event: a REQUEST with the
 * event's new SEQUENCE. One statement whatever the number of registrants, for the batch of the
 * change itself, placed after the event's UPDATE so that it reads the new sequence (and before
 * any promotion in the same batch: the promoted get their own "you're in" invitation).
 */
export function eventUpdatedInvites(eventId: string, now: Date) {
  const at = now.getTime();
  return sql`
    INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, status, attempts, next_attempt_at, created_at)
    SELECT ${outboxId(at)}, ${inviteKey(sql`r.id`, sql`e.sequence`, "REQUEST")}, 'email', 'event.updated',
           json_object('registrationId', r.id, 'sequence', e.sequence), r.event_id, r.id, 'pending', 0, ${at}, ${at}
    FROM registrations r JOIN events e ON e.id = r.event_id
    WHERE r.event_id = ${eventId} AND r.status = 'confirmed' AND e.status = 'published'
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

/**
 * "event.cancelled" for every confirmed and waitlisted registration of a cancelled event, after
 * the UPDATE that cancels it in the same batch. Those with a seat get METHOD:CANCEL with it.
 */
export function eventCancelledNotices(eventId: string, now: Date) {
  const at = now.getTime();
  return sql`
    INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, status, attempts, next_attempt_at, created_at)
    SELECT ${outboxId(at)}, ${inviteKey(sql`r.id`, sql`e.sequence`, "CANCEL")}, 'email', 'event.cancelled',
           json_object('registrationId', r.id, 'sequence', e.sequence,
                       'hadSeat', json(CASE WHEN r.status = 'confirmed' THEN 'true' ELSE 'false' END)),
           r.event_id, r.id, 'pending', 0, ${at}, ${at}
    FROM registrations r JOIN events e ON e.id = r.event_id
    WHERE r.event_id = ${eventId} AND r.status IN ('confirmed', 'waitlisted') AND e.status = 'cancelled'
    ON CONFLICT (dedupe_key) DO NOTHING`;
}
