import { sql } from "drizzle-orm";

/** Message templates the dispatcher knows how to render (see templates.ts). */
export type Template =
  | "registration.confirmed"
  | "registration.waitlisted"
  | "registration.promoted"
  | "registration.cancelled"
  | "registration.resend";

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
  return sql`
    INSERT INTO outbox (id, dedupe_key, channel, template, params, event_id, registration_id, status, attempts, next_attempt_at, created_at)
    SELECT 'msg_' || lower(hex(randomblob(10))), 'reg:' || r.id || ':' || ${o.dedupe}, 'email', ${o.template},
           json_object('registrationId', r.id), r.event_id, r.id, 'pending', 0, ${now}, ${now}
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
    SELECT 'msg_' || lower(hex(randomblob(10))), 'reg:' || r.id || ':' || ${o.dedupe}, 'email', ${o.template},
           json_object('registrationId', r.id), r.event_id, r.id, 'pending', 0, ${now}, ${now}
    FROM registrations r
    WHERE r.id = ${o.registrationId}
    ON CONFLICT (dedupe_key) DO NOTHING`;
}
