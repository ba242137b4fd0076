import { sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { conflict, notFound } from "../../lib/problem.js";
import { type Actor, auditWhen } from "../audit/index.js";
import { eventOpenAt, findEvent } from "../events/index.js";
import { cancellationStatements } from "./engine.js";
import { outboxForOp } from "./mail/queue.js";
import { findStaffRegistration, type StaffRegistration } from "./staff-queries.js";
import { opWebhooks } from "./webhooks.js";

/**
 * Staff transitions of one registration. They use the engine's statements (outbox rows,
 * promotion) but run them in a batch of their own so the audit row commits with the change.
 * The audit row is conditional on the change having happened: a lost race (someone else
 * cancelled first) leaves no record of a change that did not occur.
 */

const changedBy = (id: string, opId: string) =>
  sql`EXISTS (SELECT 1 FROM registrations WHERE id = ${id} AND op_id = ${opId})`;

async function requireRegistration(deps: Deps, id: string): Promise<StaffRegistration & { eventId: string }> {
  const found = await findStaffRegistration(deps.db, id);
  if (!found) throw notFound("Registration");
  return found;
}

/** The answer shows a registration as the list does: its event id is for this module only. */
const shown = ({ eventId: _, ...r }: StaffRegistration & { eventId: string }): StaffRegistration => r;

const summary = (r: StaffRegistration) => ({ status: r.status, position: r.position });

/**
 * Confirms one waitlisted person, past the capacity if need be (staff's call), and queues
 * their "you're in" email. Only while the event is published and not over: a promotion email
 * for a cancelled or finished event would only confuse.
 */
export async function staffPromote(deps: Deps, actor: Actor, id: string): Promise<StaffRegistration> {
  const before = await requireRegistration(deps, id);
  if (before.status !== "waitlisted")
    throw conflict("not-waitlisted", `The registration is ${before.status}, not waitlisted.`);
  const now = deps.clock.now();
  const at = now.getTime();
  const opId = deps.tokens.id("op");
  const results = await sqlBatch(deps.db, [
    sql`
      UPDATE registrations SET status = 'confirmed', confirmed_at = ${at}, updated_at = ${at}, op_id = ${opId}
      WHERE id = ${id} AND status = 'waitlisted'
        AND ${eventOpenAt(sql`registrations.event_id`, at)}`,
    outboxForOp({
      opId,
      status: "confirmed",
      template: "registration.promoted",
      now,
      dedupe: `promoted:${opId}`,
    }),
    opWebhooks("registration.promoted", opId, "confirmed", now, deps.config.PUBLIC_URL),
    auditWhen(
      actor,
      now,
      {
        action: "registration.promote",
        entityType: "registration",
        entityId: id,
        before: summary(before),
        after: { status: "confirmed", position: null },
      },
      changedBy(id, opId),
    ),
    sql`SELECT id FROM registrations WHERE id = ${id} AND op_id = ${opId}`,
  ]);
  if (results[4]?.length === 0) {
    const current = await requireRegistration(deps, id);
    if (current.status !== "waitlisted")
      throw conflict("not-waitlisted", `The registration is ${current.status}, not waitlisted.`);
    const event = await findEvent(deps.db, before.eventId);
    throw conflict(
      "event-closed",
      event?.status === "published"
        ? "The event is over; nobody can be promoted any more."
        : `The event is ${event?.status ?? "gone"}; nobody can be promoted.`,
    );
  }
  return shown(await requireRegistration(deps, id));
}

export interface RemovalResult {
  removed: StaffRegistration;
  /** Waitlisted people confirmed into the freed seat, in queue order. */
  promoted: StaffRegistration[];
}

/**
 * Removes a registration: it is cancelled (the row stays, for the record and the counts), its
 * seat goes to the head of the waitlist in the same batch, and both emails are queued. Removing
 * a cancelled registration again changes nothing and records nothing.
 */
export async function staffRemove(deps: Deps, actor: Actor, id: string): Promise<RemovalResult> {
  const before = await requireRegistration(deps, id);
  if (before.status === "cancelled") return { removed: shown(before), promoted: [] };
  const now = deps.clock.now();
  const opId = deps.tokens.id("op");
  const results = await sqlBatch(deps.db, [
    ...cancellationStatements(id, before.eventId, opId, now, deps.config.PUBLIC_URL),
    auditWhen(
      actor,
      now,
      {
        action: "registration.remove",
        entityType: "registration",
        entityId: id,
        before: summary(before),
        after: sql`json_object('status', 'cancelled', 'promoted', json((
          SELECT json_group_array(id) FROM registrations WHERE op_id = ${opId} AND id <> ${id})))`,
      },
      changedBy(id, opId),
    ),
    sql`SELECT id FROM registrations WHERE op_id = ${opId} AND id <> ${id} ORDER BY waitlist_position`,
  ]);
  const promotedIds = (results.at(-1) ?? []).map((r) => String(r.id));
  const promoted = await Promise.all(promotedIds.map(async (p) => shown(await requireRegistration(deps, p))));
  return { removed: shown(await requireRegistration(deps, id)), promoted };
}
