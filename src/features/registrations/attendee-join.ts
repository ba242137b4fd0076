import { and, eq, isNull } from "drizzle-orm";
import { registrations } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { type EventRow, findEvent } from "../events/index.js";
import { findByToken } from "./service.js";

/** The personal join link opens this long before the start. */
export const JOIN_OPENS_BEFORE_MS = 30 * 60_000;

export type JoinDecision =
  | { kind: "redirect"; url: string; event: EventRow }
  | { kind: "early"; event: EventRow; opensAt: Date }
  | { kind: "over"; event: EventRow }
  | { kind: "not-confirmed"; event: EventRow; status: "waitlisted" | "cancelled" }
  | { kind: "event-cancelled"; event: EventRow }
  | { kind: "no-link"; event: EventRow };

/**
 * What a personal /j/ link does now. Only a confirmed registration inside the window gets the
 * real meeting URL, and the first such visit is recorded as attendance (one conditional UPDATE,
 * so repeated or simultaneous clicks keep the first time). A HEAD request (link checkers) gets
 * the same answer without counting as attendance.
 */
export async function resolveJoin(
  deps: Deps,
  token: string,
  options: { recordAttendance: boolean } = { recordAttendance: true },
): Promise<JoinDecision | null> {
  const found = await findByToken(deps, token, "join");
  if (!found) return null;
  return applyJoin(deps, found.event, found.registration, options);
}

/**
 * The personal join link of emails and invitations, /j/{registration id}/{join key}: one per
 * registration (migration 0012), compared in constant time. Null when it does not match (or
 * the key was cleared by erasure).
 */
export async function resolveRegistrationJoin(
  deps: Deps,
  registrationId: string,
  key: string,
  options: { recordAttendance: boolean },
): Promise<JoinDecision | null> {
  if (!/^\w{1,64}$/.test(registrationId) || !/^[0-9a-f]{32}$/.test(key)) return null;
  const [registration] = await deps.db
    .select()
    .from(registrations)
    .where(eq(registrations.id, registrationId));
  if (!registration?.joinKey || !sameText(registration.joinKey, key)) return null;
  const event = await findEvent(deps.db, registration.eventId);
  return event ? applyJoin(deps, event, registration, options) : null;
}

/** Equal strings of equal length, compared without an early exit (no timing hint of a prefix). */
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The join rules for any kind of personal link (emailed /j/{token} or a feed's /j/f/...). */
export function decideJoin(event: EventRow, status: RegistrationRow["status"], now: Date): JoinDecision {
  if (event.status === "cancelled") return { kind: "event-cancelled", event };
  if (status !== "confirmed") return { kind: "not-confirmed", event, status };
  if (now >= event.endsAt) return { kind: "over", event };
  const opensAt = new Date(event.startsAt.getTime() - JOIN_OPENS_BEFORE_MS);
  if (now < opensAt) return { kind: "early", event, opensAt };
  if (!event.joinUrl) return { kind: "no-link", event };
  return { kind: "redirect", url: event.joinUrl, event };
}

/** Decides, and records the first join as attendance when the link redirects. */
export async function applyJoin(
  deps: Deps,
  event: EventRow,
  registration: Pick<RegistrationRow, "id" | "status">,
  options: { recordAttendance: boolean },
): Promise<JoinDecision> {
  const now = deps.clock.now();
  const decision = decideJoin(event, registration.status, now);
  if (decision.kind === "redirect" && options.recordAttendance) {
    await deps.db
      .update(registrations)
      .set({ attendedAt: now })
      .where(and(eq(registrations.id, registration.id), isNull(registrations.attendedAt)));
  }
  return decision;
}

type RegistrationRow = typeof registrations.$inferSelect;
