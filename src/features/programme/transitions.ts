import type { Deps } from "../../deps.js";
import { conflict } from "../../lib/problem.js";
import { type Actor, auditInsert } from "../audit/index.js";
import {
  calendarVisibleChange,
  type EventRescheduleInput,
  type EventRow,
  type EventView,
  eventView,
  getEventView,
  guardedUpdate,
  loadRelations,
  requireEvent,
  resolveSchedule,
  runGuarded,
} from "../events/index.js";
import { eventCancelledNotices, eventUpdatedInvites } from "../registrations/index.js";
import { planStatements } from "../reminders/index.js";
import { eventWebhooks } from "./webhooks.js";

/**
 * Status changes and moves are explicit actions rather than PATCHes of `status` or times,
 * because each has rules and consequences (invitations, reminders) of its own. A change that
 * raises the SEQUENCE queues its invitations in the same batch (after the UPDATE, so they read
 * the new sequence): a cancellation tells every confirmed and waitlisted registrant, a move
 * sends every confirmed one an updated REQUEST. Publishing sends nothing (nobody is registered
 * to a draft) and does not raise the sequence.
 */
async function transition(
  deps: Deps,
  actor: Actor,
  before: EventRow,
  action: string,
  webhook: "event.published" | "event.cancelled" | "event.rescheduled",
  changes: Partial<EventRow>,
  announces = true,
): Promise<EventView> {
  const now = deps.clock.now();
  const all = { ...changes, updatedAt: now };
  const bump = announces && calendarVisibleChange(before, all);
  const rel = (await loadRelations(deps.db, [before.id])).get(before.id)!;
  const afterRow = {
    ...before,
    ...all,
    sequence: before.sequence + (bump ? 1 : 0),
    revision: before.revision + 1,
  };
  const notices = !bump
    ? []
    : all.status === "cancelled"
      ? [eventCancelledNotices(before.id, now)]
      : [eventUpdatedInvites(before.id, now)];
  await runGuarded(deps.db, [
    guardedUpdate(deps.db, before, all, bump),
    eventWebhooks(deps, webhook, before, now),
    ...notices,
    // The reminder plan follows in the same batch: dropped on cancel, recomputed on a move,
    // planned from scratch when a draft is published.
    ...planStatements(afterRow, now, before.status === "draft"),
    auditInsert(deps.db, now, actor, {
      action,
      entityType: "event",
      entityId: before.id,
      before: eventView(before, rel, deps.config, true),
      after: eventView(afterRow, rel, deps.config, true),
    }),
  ]);
  return getEventView(deps, before.id, true);
}

export async function publishEvent(deps: Deps, actor: Actor, idOrSlug: string): Promise<EventView> {
  const before = await requireEvent(deps, idOrSlug);
  if (before.status !== "draft")
    throw conflict("invalid-transition", `The event is already ${before.status}.`);
  return transition(
    deps,
    actor,
    before,
    "event.publish",
    "event.published",
    { status: "published", publishedAt: deps.clock.now() },
    // Publishing is the first version calendars see, so it starts at sequence 0.
    false,
  );
}

export async function cancelEvent(deps: Deps, actor: Actor, idOrSlug: string): Promise<EventView> {
  const before = await requireEvent(deps, idOrSlug);
  if (before.status === "cancelled") throw conflict("invalid-transition", "The event is already cancelled.");
  if (before.status === "draft") {
    throw conflict("invalid-transition", "A draft has not been announced; delete it instead of cancelling.");
  }
  return transition(deps, actor, before, "event.cancel", "event.cancelled", {
    status: "cancelled",
    cancelledAt: deps.clock.now(),
  });
}

export async function rescheduleEvent(
  deps: Deps,
  actor: Actor,
  idOrSlug: string,
  input: EventRescheduleInput,
): Promise<EventView> {
  const before = await requireEvent(deps, idOrSlug);
  if (before.status === "cancelled")
    throw conflict("invalid-transition", "A cancelled event cannot be rescheduled.");
  const zone = input.timeZone ?? before.timeZone;
  const currentMinutes = (before.endsAt.getTime() - before.startsAt.getTime()) / 60_000;
  const schedule = resolveSchedule(input, zone, currentMinutes);
  // The registration window is kept as instants; a close after the new end is pulled in to it.
  const closes = before.registrationClosesAt;
  const registrationClosesAt = closes && closes > schedule.endsAt ? schedule.endsAt : closes;
  const opens = before.registrationOpensAt;
  const registrationOpensAt = opens && registrationClosesAt && opens >= registrationClosesAt ? null : opens;
  return transition(deps, actor, before, "event.reschedule", "event.rescheduled", {
    ...schedule,
    registrationOpensAt,
    registrationClosesAt,
    timeZone: zone,
  });
}
