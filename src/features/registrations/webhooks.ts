import { sql } from "drizzle-orm";
import { eventPayload, eventPayloadText } from "../events/index.js";
import { queueWebhooks, queueWebhooksFixed, type WebhookType } from "../webhooks/index.js";

/**
 * Registrations' webhook messages, for the batch of the change (webhooks/queue.ts): one per
 * registration the operation changed, each with the registrant's fields. Those fields travel
 * in registration.* types only; attendance.recorded names the registration by id.
 */

const isoText = (column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`;

/**
 * The registrant part of a registration.* payload, as SQL text over a registration `r` and its
 * attendee `a`: the one place that decides which of a person's fields leave in webhooks.
 */
export function registrantPayload(r = "r", a = "a"): string {
  return `json_object('id', ${r}.id, 'status', ${r}.status, 'name', ${a}.name, 'email', ${a}.email,
    'answers', json(${r}.answers), 'waitlistPosition', ${r}.waitlist_position,
    'registeredAt', ${isoText(`${r}.created_at`)},
    'newsletter', json(CASE WHEN ${a}.newsletter_state IS NULL THEN NULL ELSE json_object('state', ${a}.newsletter_state,
      'at', ${isoText(`${a}.newsletter_at`)}, 'source', ${a}.newsletter_source) END))`;
}

/** What a registration.* message carries; params: the public URL, then the filter's. */
const registrationSource = (suffix: string, filter: string) => `
  SELECT 'msg_' || r.id || '_${suffix}' AS webhook_id,
         json_object('event', json(${eventPayloadText("r.event_id")}), 'registration', json(${registrantPayload()})) AS data,
         r.event_id, r.id AS registration_id
  FROM registrations r JOIN attendees a ON a.id = r.attendee_id
  WHERE ${filter}`;

/** registration.created for the registration op `opId` inserted (the registration's hot path). */
const created = queueWebhooksFixed("registration.created", registrationSource("created", "r.op_id = ?"));
export const createdWebhooks = (at: number, opId: string, publicUrl: string) => created(at, publicUrl, opId);

/** registration.cancelled / .promoted for the registrations op `opId` left with `status`. */
export function opWebhooks(
  type: Extract<WebhookType, "registration.cancelled" | "registration.promoted" | "registration.created">,
  opId: string,
  status: "confirmed" | "waitlisted" | "cancelled",
  at: Date,
  publicUrl: string,
) {
  const suffix = type.split(".")[1]!;
  return queueWebhooks(
    type,
    sql`SELECT 'msg_' || r.id || '_' || ${suffix} || '_' || ${opId} AS webhook_id,
               json_object('event', json(${eventPayload(sql.raw("r.event_id"), publicUrl)}),
                           'registration', json(${sql.raw(registrantPayload())})) AS data,
               r.event_id, r.id AS registration_id
        FROM registrations r JOIN attendees a ON a.id = r.attendee_id
        WHERE r.op_id = ${opId} AND r.status = ${status}`,
    at,
  );
}

/** attendance.recorded for the registrations op `opId` marked as attended. */
export function attendanceWebhooks(opId: string, at: Date, publicUrl: string) {
  return queueWebhooks(
    "attendance.recorded",
    sql`SELECT 'msg_' || r.id || '_attended' AS webhook_id,
               json_object('event', json(${eventPayload(sql.raw("r.event_id"), publicUrl)}),
                           'registration', json_object('id', r.id, 'attendedAt', ${sql.raw(isoText("r.attended_at"))})) AS data,
               r.event_id, r.id AS registration_id
        FROM registrations r WHERE r.op_id = ${opId} AND r.attended_at IS NOT NULL`,
    at,
  );
}
