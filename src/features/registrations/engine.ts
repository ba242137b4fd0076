import { eq, sql } from "drizzle-orm";
import { q, sqlAll, sqlBatch } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { registrations } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { notFound } from "../../lib/problem.js";
import { eventOpenAt, eventSeating, eventValue } from "../events/index.js";
import { tallyStatement } from "../limits/index.js";
import { enqueueFixed } from "../outbox/index.js";
import { outboxForOp } from "./mail/queue.js";
import { createdWebhooks, opWebhooks } from "./webhooks.js";

/**
 * The registration engine. Every transition is one db.batch of conditional statements, so
 * capacity, waitlist order and the outbox stay right under any concurrency, on libsql and on
 * D1 alike (no read-then-write across round trips). Each operation stamps the rows it changes
 * with its own op id; the later statements of the batch select by that id.
 */

export type RegistrationStatus = "confirmed" | "waitlisted" | "cancelled";

export interface RegistrationOutcome {
  id: string;
  status: RegistrationStatus;
  /** Place in the waitlist queue (1 = next to be promoted), for waitlisted registrations. */
  position: number | null;
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** The registration's mail, as a fixed text (the hot path): the op id twice (dedupe key, filter). */
const queueRegistrationMail = enqueueFixed(`
  SELECT 'reg:' || r.id || ':' || ? AS dedupe_key,
         CASE r.status WHEN 'confirmed' THEN 'registration.confirmed' ELSE 'registration.waitlisted' END AS template,
         json_object('registrationId', r.id) AS params, r.event_id, r.id AS registration_id, NULL AS reminder_id
  FROM registrations r WHERE r.op_id = ?`);

/**
 * The links again, for a registration of this address that this operation did not write (a
 * repeat): at most one such message a day (the dedupe key holds the day), whatever its status;
 * a cancelled registration's manage page offers to register again.
 */
const queueResend = enqueueFixed(`
  SELECT 'reg:' || r.id || ':resend:' || ? AS dedupe_key, 'registration.resend' AS template,
         json_object('registrationId', r.id) AS params, r.event_id, r.id AS registration_id, NULL AS reminder_id
  FROM registrations r
  WHERE r.event_id = ? AND r.attendee_id = (SELECT id FROM attendees WHERE email = ?) AND r.op_id IS NOT ?`);

/**
 * What a submission answers, the same for a new and a known address: whether a new
 * registration gets a seat or a waitlist place; null when the event is full without a waitlist.
 */
export type Admission = "confirmed" | "waitlisted";

/**
 * Registers an attendee, in ONE batch whatever the address's history, which always writes (the
 * event's submission counter), so the answer and its timing do not tell a new address from a known one (docs/ARCHITECTURE.md, "Who may act"):
 * - a new registration takes a seat, or the end of the waitlist, and queues its confirmation;
 * - a known address (registered, waitlisted or cancelled) changes nothing: not the name, the
 *   answers, the status or the consent; its links are emailed again instead;
 * - a refused registration (full, no waitlist) leaves nothing behind, not even the attendee.
 * The answer is what a new registration got, or would have got at that moment.
 */
export async function register(
  deps: Deps,
  eventId: string,
  input: {
    name: string;
    email: string;
    answers: Record<string, string | boolean>;
    /** Where a ticked newsletter box came from; null: not ticked. Recorded as a request only. */
    newsletter: "form" | "api" | null;
  },
): Promise<Admission | null> {
  const { db } = deps;
  const now = deps.clock.now().getTime();
  const email = normaliseEmail(input.email);
  const opId = deps.tokens.id("op");
  const attId = deps.tokens.id("att");
  const asked = input.newsletter !== null;
  // q``: the texts of these statements are built once, not on every registration (the hot path).
  const results = await sqlBatch(db, [
    // A ticked newsletter box rides on this INSERT (no extra statement on the hot path) and is
    // only a request (newsletter.ts): a known address keeps its own state, like its name.
    q`
      INSERT INTO attendees (id, email, name, created_at, updated_at, newsletter_state, newsletter_at, newsletter_source)
      VALUES (${attId}, ${email}, ${input.name}, ${now}, ${now},
              ${asked ? "requested" : null}, ${asked ? now : null}, ${input.newsletter})
      ON CONFLICT (email) DO NOTHING`,
    // A seat if one is free, else the end of the waitlist if the event has one, else nothing.
    // The seat decision is taken once (MATERIALIZED keeps SQLite from copying it into each
    // CASE) from the trigger-kept registration_counts, and the next waitlist number comes from
    // three index lookups rather than a scan.
    q`
      WITH s AS MATERIALIZED (
        SELECT e.id, e.waitlist,
               (e.capacity IS NULL OR coalesce((SELECT confirmed FROM registration_counts
                  WHERE event_id = e.id), 0) < e.capacity) AS free
        FROM ${eventSeating(eventId)} e)
      INSERT INTO registrations (id, event_id, attendee_id, status, waitlist_position, answers, consent_at,
                                 created_at, updated_at, confirmed_at, op_id, join_key)
      SELECT ${deps.tokens.id("reg")}, s.id, (SELECT id FROM attendees WHERE email = ${email}),
             CASE WHEN s.free THEN 'confirmed' ELSE 'waitlisted' END,
             CASE WHEN s.free THEN NULL ELSE (SELECT coalesce(max(p), 0) + 1 FROM (
               SELECT max(waitlist_position) AS p FROM registrations WHERE event_id = s.id AND status = 'confirmed'
               UNION ALL SELECT max(waitlist_position) FROM registrations WHERE event_id = s.id AND status = 'waitlisted'
               UNION ALL SELECT max(waitlist_position) FROM registrations WHERE event_id = s.id AND status = 'cancelled')) END,
             ${JSON.stringify(input.answers)}, ${now}, ${now}, ${now},
             CASE WHEN s.free THEN ${now} ELSE NULL END, ${opId}, lower(hex(randomblob(16)))
      FROM s
      WHERE s.waitlist = 1 OR s.free
      ON CONFLICT (event_id, attendee_id) DO NOTHING`,
    queueRegistrationMail(now, opId, opId),
    // registration.created to every endpoint that wants it; with none, one read of an empty table.
    createdWebhooks(now, opId, deps.config.PUBLIC_URL),
    queueResend(now, Math.floor(now / 86_400_000), eventId, email, opId),
    // Refused (full, no waitlist): the attendee this batch created goes again, so a stranger's
    // refused attempt cannot choose the name a later real registration would be greeted with.
    q`DELETE FROM attendees WHERE id = ${attId}
        AND NOT EXISTS (SELECT 1 FROM registrations WHERE attendee_id = ${attId})`,
    // The answer: this op's status, else what a newcomer would have got (nothing changed since
    // the insert above decided, inside the same batch).
    q`SELECT (SELECT status FROM registrations WHERE op_id = ${opId}) AS mine,
          (e.capacity IS NULL OR coalesce((SELECT confirmed FROM registration_counts
             WHERE event_id = e.id), 0) < e.capacity) AS free, e.waitlist
        FROM ${eventSeating(eventId)} e`,
    // Every submission writes this counter, a new address or a known one, so both commit alike.
    tallyStatement(`submissions:${eventId}`, now),
  ]);
  const row = results[6]?.[0] as { mine: Admission | null; free: number; waitlist: number } | undefined;
  if (row?.mine) return row.mine;
  return row && Number(row.free) ? "confirmed" : row && Number(row.waitlist) ? "waitlisted" : null;
}

/**
 * Brings a cancelled registration back from its manage page (an emailed link: the mailbox
 * decided, not whoever knows the address): a seat if one is free, else the end of the
 * waitlist, with the same mail as a new registration, in one batch. Null when the event is full
 * without a waitlist; a registration that is not cancelled is left as it is.
 */
export async function rejoinRegistration(
  deps: Deps,
  reg: { id: string; eventId: string },
): Promise<RegistrationOutcome | null> {
  const now = deps.clock.now().getTime();
  const opId = deps.tokens.id("op");
  const capacity = eventValue(reg.eventId, "capacity");
  const free = sql`(${capacity} IS NULL OR coalesce((SELECT confirmed FROM registration_counts
    WHERE event_id = ${reg.eventId}), 0) < ${capacity})`;
  await sqlBatch(deps.db, [
    sql`UPDATE registrations SET
          status = CASE WHEN ${free} THEN 'confirmed' ELSE 'waitlisted' END,
          waitlist_position = CASE WHEN ${free} THEN waitlist_position ELSE
            (SELECT coalesce(max(waitlist_position), 0) + 1 FROM registrations WHERE event_id = ${reg.eventId}) END,
          confirmed_at = CASE WHEN ${free} THEN ${now} ELSE NULL END,
          consent_at = ${now}, updated_at = ${now}, cancelled_at = NULL, op_id = ${opId}
        WHERE id = ${reg.id} AND status = 'cancelled' AND (${free} OR ${eventValue(reg.eventId, "waitlist")} = 1)
          AND ${eventOpenAt(reg.eventId, now)}`,
    queueRegistrationMail(now, opId, opId),
    // Back from cancelled: a registration again, as far as staff's systems are concerned.
    ...(["confirmed", "waitlisted"] as const).map((status) =>
      opWebhooks("registration.created", opId, status, new Date(now), deps.config.PUBLIC_URL),
    ),
  ]);
  const outcome = await outcomeOf(deps.db, reg.id);
  return outcome.status === "cancelled" ? null : outcome;
}

/** The registration's status and, if waitlisted, its place in the queue. */
export async function outcomeOf(db: Db, id: string): Promise<RegistrationOutcome> {
  const [row] = await sqlAll<RegistrationOutcome>(
    db,
    sql`SELECT r.id, r.status,
          CASE WHEN r.status = 'waitlisted' THEN
            (SELECT count(*) FROM registrations w WHERE w.event_id = r.event_id
               AND w.status = 'waitlisted' AND w.waitlist_position <= r.waitlist_position) END AS position
        FROM registrations r WHERE r.id = ${id}`,
  );
  if (!row) throw notFound("Registration");
  return row;
}

/**
 * Statements that fill every free seat of an event from the head of its waitlist, stamping the
 * promoted rows with `opId` and queueing their "you're in" emails. Used after a cancellation,
 * a removal and a capacity change, always inside that change's batch.
 */
export function promotionStatements(eventId: string, opId: string, now: Date, publicUrl: string) {
  const at = now.getTime();
  return [
    sql`
      UPDATE registrations SET status = 'confirmed', confirmed_at = ${at}, updated_at = ${at}, op_id = ${opId}
      WHERE id IN (
        SELECT id FROM registrations WHERE event_id = ${eventId} AND status = 'waitlisted'
        ORDER BY waitlist_position
        LIMIT max(0, coalesce(${eventValue(eventId, "capacity")}, 1000000000)
                     - (SELECT count(*) FROM registrations WHERE event_id = ${eventId} AND status = 'confirmed')))
      AND ${eventOpenAt(eventId, at)}`,
    outboxForOp({
      opId,
      status: "confirmed",
      template: "registration.promoted",
      now,
      dedupe: `promoted:${opId}`,
    }),
    opWebhooks("registration.promoted", opId, "confirmed", now, publicUrl),
  ];
}

/**
 * Cancels a registration, frees its seat and promotes the first waitlisted person, all in one
 * batch. Cancelling twice is harmless: the second call changes nothing and sends nothing.
 */
export async function cancelRegistration(deps: Deps, registrationId: string): Promise<RegistrationOutcome> {
  const { db } = deps;
  const [reg] = await db.select().from(registrations).where(eq(registrations.id, registrationId));
  if (!reg) throw notFound("Registration");
  if (reg.status === "cancelled") return outcomeOf(db, reg.id);
  const now = deps.clock.now();
  const opId = deps.tokens.id("op");
  await sqlBatch(db, cancellationStatements(reg.id, reg.eventId, opId, now, deps.config.PUBLIC_URL));
  return outcomeOf(db, reg.id);
}

/**
 * Cancel-and-promote, for the attendee's cancellation and staff's removal alike: the
 * registration is cancelled (stamped with `opId`; nothing happens if it already was), its
 * "cancelled" email queued, and the freed seat goes to the head of the waitlist.
 */
export function cancellationStatements(
  id: string,
  eventId: string,
  opId: string,
  now: Date,
  publicUrl: string,
) {
  const at = now.getTime();
  return [
    sql`
      UPDATE registrations SET status = 'cancelled', cancelled_at = ${at}, updated_at = ${at}, op_id = ${opId}
      WHERE id = ${id} AND status IN ('confirmed', 'waitlisted')`,
    outboxForOp({
      opId,
      status: "cancelled",
      template: "registration.cancelled",
      now,
      dedupe: `cancelled:${opId}`,
    }),
    opWebhooks("registration.cancelled", opId, "cancelled", now, publicUrl),
    ...promotionStatements(eventId, opId, now, publicUrl),
  ];
}
