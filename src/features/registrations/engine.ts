import { and, eq, sql } from "drizzle-orm";
import { q, sqlAll, sqlBatch } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { attendees, registrations } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { notFound } from "../../lib/problem.js";
import { mintToken } from "../../lib/tokens.js";
import { eventOpenAt, eventSeating, eventValue } from "../events/index.js";
import { enqueueFixed } from "../outbox/index.js";
import { outboxForOp, outboxForRegistration } from "./mail/queue.js";

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
 * Registers an attendee. Returns `created: false` with the existing registration when this
 * email is already registered (idempotent), and null when the event is full without waitlist.
 */
export async function register(
  deps: Deps,
  eventId: string,
  input: { name: string; email: string; answers: Record<string, string | boolean> },
): Promise<
  | { created: true; outcome: RegistrationOutcome; manageToken: string }
  | { created: false; outcome: RegistrationOutcome }
  | null
> {
  const { db } = deps;
  const now = deps.clock.now().getTime();
  const email = normaliseEmail(input.email);
  const opId = deps.tokens.id("op");
  const regId = deps.tokens.id("reg");
  const manage = await mintToken(deps);
  // q``: the texts of these statements are built once, not on every registration (the hot path).
  const results = await sqlBatch(db, [
    q`
      INSERT INTO attendees (id, email, name, created_at, updated_at)
      VALUES (${deps.tokens.id("att")}, ${email}, ${input.name}, ${now}, ${now})
      ON CONFLICT (email) DO NOTHING`, // the first name given stays: knowing an address must not let anyone rename its owner
    // A seat if one is free, else the end of the waitlist if the event has one, else nothing.
    // A cancelled registration of the same person is brought back the same way.
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
                                 created_at, updated_at, confirmed_at, op_id)
      SELECT ${regId}, s.id, (SELECT id FROM attendees WHERE email = ${email}),
             CASE WHEN s.free THEN 'confirmed' ELSE 'waitlisted' END,
             CASE WHEN s.free THEN NULL ELSE (SELECT coalesce(max(p), 0) + 1 FROM (
               SELECT max(waitlist_position) AS p FROM registrations WHERE event_id = s.id AND status = 'confirmed'
               UNION ALL SELECT max(waitlist_position) FROM registrations WHERE event_id = s.id AND status = 'waitlisted'
               UNION ALL SELECT max(waitlist_position) FROM registrations WHERE event_id = s.id AND status = 'cancelled')) END,
             ${JSON.stringify(input.answers)}, ${now}, ${now}, ${now},
             CASE WHEN s.free THEN ${now} ELSE NULL END, ${opId}
      FROM s
      WHERE s.waitlist = 1 OR s.free
      ON CONFLICT (event_id, attendee_id) DO UPDATE SET
        status = excluded.status, waitlist_position = excluded.waitlist_position, answers = excluded.answers,
        consent_at = excluded.consent_at, updated_at = excluded.updated_at, confirmed_at = excluded.confirmed_at,
        cancelled_at = NULL, op_id = excluded.op_id
      WHERE registrations.status = 'cancelled'`,
    q`
      INSERT INTO access_tokens (hash, kind, registration_id, created_at)
      SELECT ${manage.hash}, 'manage', id, ${now} FROM registrations WHERE op_id = ${opId}`,
    // One outbox statement for both outcomes (same dedupe key as outboxForOp would write).
    queueRegistrationMail(now, opId, opId),
    // The answer itself, so no second round trip for outcomeOf. A registration written here
    // that waits took the number after every other (max + 1 above), so it is last in the
    // queue: its place is the number waiting, one row read instead of a count.
    q`SELECT r.id, r.status,
          CASE WHEN r.status = 'waitlisted' THEN
            (SELECT waitlisted FROM registration_counts WHERE event_id = r.event_id) END AS position
        FROM registrations r WHERE r.op_id = ${opId}`,
  ]);
  const mine = results[4]?.[0] as RegistrationOutcome | undefined;
  if (mine) return { created: true, outcome: mine, manageToken: manage.token };

  const [existing] = await db
    .select({ id: registrations.id, status: registrations.status })
    .from(registrations)
    .innerJoin(attendees, eq(attendees.id, registrations.attendeeId))
    .where(and(eq(registrations.eventId, eventId), eq(attendees.email, email)));
  if (!existing || existing.status === "cancelled") return null;
  // Same person again: no second registration and no link in the answer; the mailbox gets the
  // links once more (at most once: the dedupe key is fixed).
  await sqlBatch(db, [
    outboxForRegistration({
      registrationId: existing.id,
      template: "registration.resend",
      now: new Date(now),
      dedupe: "resend",
    }),
  ]);
  return { created: false, outcome: await outcomeOf(db, existing.id) };
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
export function promotionStatements(eventId: string, opId: string, now: Date) {
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
  await sqlBatch(db, cancellationStatements(reg.id, reg.eventId, opId, now));
  return outcomeOf(db, reg.id);
}

/**
 * Cancel-and-promote, for the attendee's cancellation and staff's removal alike: the
 * registration is cancelled (stamped with `opId`; nothing happens if it already was), its
 * "cancelled" email queued, and the freed seat goes to the head of the waitlist.
 */
export function cancellationStatements(id: string, eventId: string, opId: string, now: Date) {
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
    ...promotionStatements(eventId, opId, now),
  ];
}
