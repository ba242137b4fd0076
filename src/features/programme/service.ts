import { sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { conflict } from "../../lib/problem.js";
import { slugify } from "../../lib/slug.js";
import { withUniqueSlug } from "../../lib/unique-slug.js";
import { validationProblem } from "../../lib/validate.js";
import { type Actor, auditInsert } from "../audit/index.js";
import {
  calendarVisibleChange,
  deleteEventStatement,
  type EventCreateInput,
  type EventRow,
  type EventUpdateInput,
  type EventView,
  eventView,
  getEventView,
  guardedUpdate,
  insertEventStatement,
  linkStatements,
  loadRelations,
  mergeRelations,
  normaliseQuestions,
  requireEvent,
  resolveLinks,
  resolveSchedule,
  resolveWindow,
  runGuarded,
} from "../events/index.js";
import { eventUpdatedInvites, promotionStatements } from "../registrations/index.js";

import { planStatements } from "../reminders/index.js";
import { eventWebhooks } from "./webhooks.js";

/**
 * The programme: staff create, edit and delete events. An event write sets things off in other
 * features (updated invitations to registrants, promotions when seats open, the reminder plan),
 * and all of it goes in the write's one batch; this feature sits above events, registrations
 * and reminders so that none of them needs to know about the others.
 */

function questionsOf(input: EventCreateInput["questions"]) {
  const { questions, errors } = normaliseQuestions(input);
  if (errors.length) throw validationProblem(errors);
  return questions;
}

export async function createEvent(deps: Deps, actor: Actor, input: EventCreateInput): Promise<EventView> {
  const { startsAt, endsAt } = resolveSchedule(input, input.timeZone, 60);
  const window = resolveWindow(
    input,
    { registrationOpensAt: null, registrationClosesAt: null },
    input.timeZone,
    endsAt,
  );
  const links = await resolveLinks(deps.db, input);
  const now = deps.clock.now();
  const id = deps.tokens.id("evt");
  const row: EventRow = {
    id,
    slug: "",
    title: input.title,
    summary: input.summary ?? null,
    description: input.description ?? null,
    format: input.format,
    status: "draft",
    startsAt,
    endsAt,
    timeZone: input.timeZone,
    joinUrl: input.joinUrl ?? null,
    venue: input.venue ?? null,
    capacity: input.capacity ?? null,
    waitlist: input.waitlist,
    questions: questionsOf(input.questions),
    reminders: input.reminders,
    ...window,
    sequence: 0,
    revision: 0,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    cancelledAt: null,
  };
  const created = await withUniqueSlug(
    input.slug ?? slugify(input.title),
    "events.slug",
    async (slug) => {
      const withSlug = { ...row, slug };
      const after = eventView(
        withSlug,
        mergeRelations({ topics: [], speakers: [], briefs: [] }, links),
        deps.config,
        true,
      );
      await sqlBatch(deps.db, [
        insertEventStatement(deps.db, withSlug),
        ...linkStatements(deps.db, id, links, false),
        ...planStatements(withSlug, now),
        auditInsert(deps.db, now, actor, {
          action: "event.create",
          entityType: "event",
          entityId: id,
          after,
        }),
      ]);
      return after;
    },
    Boolean(input.slug),
  );
  return created;
}

export async function updateEvent(
  deps: Deps,
  actor: Actor,
  idOrSlug: string,
  input: EventUpdateInput,
): Promise<EventView> {
  const before = await requireEvent(deps, idOrSlug);
  if (before.status === "cancelled") throw conflict("event-cancelled", "A cancelled event cannot be edited.");
  const window = resolveWindow(input, before, before.timeZone, before.endsAt);
  const links = await resolveLinks(deps.db, input);
  const now = deps.clock.now();
  const changes: Partial<EventRow> = { ...window, updatedAt: now };
  for (const key of [
    "title",
    "summary",
    "description",
    "format",
    "venue",
    "joinUrl",
    "capacity",
    "waitlist",
    "reminders",
  ] as const) {
    if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
  }
  const bump = calendarVisibleChange(before, changes);
  const afterRow = {
    ...before,
    ...changes,
    sequence: before.sequence + (bump ? 1 : 0),
    revision: before.revision + 1,
  };
  const rel = (await loadRelations(deps.db, [before.id])).get(before.id)!;
  const beforeView = eventView(before, rel, deps.config, true);
  const after = eventView(afterRow, mergeRelations(rel, links), deps.config, true);
  // More seats (or a waitlist switched back on) fill from the waitlist in the same batch.
  const seatsMayOpen = changes.capacity !== undefined || changes.waitlist !== undefined;
  await runGuarded(deps.db, [
    guardedUpdate(deps.db, before, changes, bump),
    ...linkStatements(deps.db, before.id, links, true),
    // Drafts are nobody's business outside: their edits are not announced.
    ...(before.status === "draft" ? [] : [eventWebhooks(deps, "event.updated", before, now)]),
    // Calendars must see the change: an updated REQUEST to every confirmed registrant, queued
    // before the promotions below (the promoted get their own invitation, with the same data).
    ...(bump ? [eventUpdatedInvites(before.id, now)] : []),
    ...(seatsMayOpen
      ? promotionStatements(before.id, deps.tokens.id("op"), now, deps.config.PUBLIC_URL)
      : []),
    ...(changes.reminders ? planStatements(afterRow, now) : []),
    auditInsert(deps.db, now, actor, {
      action: "event.update",
      entityType: "event",
      entityId: before.id,
      before: beforeView,
      after,
    }),
  ]);
  return getEventView(deps, before.id, true);
}

/** Only drafts can be deleted: anything published may be in someone's calendar, so cancel it instead. */
export async function deleteEvent(deps: Deps, actor: Actor, idOrSlug: string): Promise<void> {
  const before = await requireEvent(deps, idOrSlug);
  if (before.status !== "draft") {
    throw conflict(
      "not-a-draft",
      `Only drafts can be deleted; this event is ${before.status}. Cancel it instead.`,
    );
  }
  const rel = (await loadRelations(deps.db, [before.id])).get(before.id)!;
  await runGuarded(deps.db, [
    guardedUpdate(deps.db, before, {}, false),
    deleteEventStatement(deps.db, before.id),
    auditInsert(deps.db, deps.clock.now(), actor, {
      action: "event.delete",
      entityType: "event",
      entityId: before.id,
      before: eventView(before, rel, deps.config, true),
    }),
  ]);
}
