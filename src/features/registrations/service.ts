import { and, eq, isNull } from "drizzle-orm";
import { accessTokens, attendees, registrations } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { Problem } from "../../lib/problem.js";
import { tokenKey } from "../../lib/tokens.js";
import { validationProblem } from "../../lib/validate.js";
import { formatInstant } from "../../web/format.js";
import type { EventRow } from "../events/index.js";
import { checkAnswers, findEvent, readCache } from "../events/index.js";
import { type Admission, register } from "./engine.js";

export interface RegistrationInput {
  name: string;
  email: string;
  answers: Record<string, unknown>;
  consent: boolean;
  /** The newsletter box (unticked: absent or false). */
  newsletter?: boolean;
}

/** Why an event takes no registrations now, or null when it does. Each reason is its own problem type. */
export function closedReason(event: EventRow, now: Date): Problem | null {
  const closed = (status: number, kind: string, title: string, detail: string) =>
    new Problem({ status, kind, title, detail });
  if (event.status === "draft") return closed(404, "not-found", "Not found", "This event was not found.");
  if (event.status === "cancelled")
    return closed(409, "event-cancelled", "Event cancelled", "This event was cancelled.");
  if (event.endsAt <= now)
    return closed(409, "event-past", "Event is over", "This event has already taken place.");
  if (event.registrationOpensAt && event.registrationOpensAt > now) {
    return closed(
      409,
      "registration-not-open",
      "Registration not open yet",
      // People read this detail too: the pages' wording, in the event's zone.
      `Registration opens on ${formatInstant(event.registrationOpensAt, event.timeZone)}.`,
    );
  }
  if (event.registrationClosesAt && event.registrationClosesAt <= now) {
    return closed(
      409,
      "registration-closed",
      "Registration closed",
      "Registration for this event has closed.",
    );
  }
  return null;
}

/**
 * The event is full and has no waitlist. After a submission the detail also covers a known
 * address, because the answer must be the same for it (its links were emailed again).
 */
export const eventFull = (afterSubmission = false) =>
  new Problem({
    status: 409,
    kind: "event-full",
    title: "Event full",
    detail: afterSubmission
      ? "All seats are taken and this event has no waitlist. If this address had registered before, its registration is unchanged and we have emailed its links again."
      : "All seats are taken and this event has no waitlist.",
  });

/**
 * The public registration: checks the event's state and the answers, then the engine decides.
 * The answer is what a new registration got (or would have got): the same for every address,
 * so it tells nobody whether an address was registered. What the person needs is emailed.
 */
export async function registerForEvent(
  deps: Deps,
  idOrSlug: string,
  input: RegistrationInput,
  source: "form" | "api",
): Promise<Admission> {
  const event = await readCache(deps.db).row(deps.db, idOrSlug);
  if (!event)
    throw new Problem({
      status: 404,
      kind: "not-found",
      title: "Not found",
      detail: "This event was not found.",
    });
  const reason = closedReason(event, deps.clock.now());
  if (reason) throw reason;
  const { answers, errors } = checkAnswers(event.questions, input.answers);
  if (!input.consent) errors.unshift({ field: "consent", message: "must be given to register" });
  if (errors.length) throw validationProblem(errors);
  const admission = await register(deps, event.id, {
    name: input.name,
    email: input.email,
    answers,
    newsletter: input.newsletter ? source : null,
  });
  if (!admission) throw eventFull(true);
  return admission;
}

/** The registration behind a manage token (or null), with its event and attendee. */
export async function findByToken(deps: Deps, token: string, kind: "manage" | "join" | "unsubscribe") {
  if (!/^[0-9a-z]{10,80}$/.test(token)) return null;
  const [row] = await deps.db
    .select({ registration: registrations, attendee: attendees })
    .from(accessTokens)
    .innerJoin(registrations, eq(registrations.id, accessTokens.registrationId))
    .innerJoin(attendees, eq(attendees.id, registrations.attendeeId))
    .where(
      and(
        eq(accessTokens.hash, await tokenKey(token)),
        eq(accessTokens.kind, kind),
        isNull(accessTokens.revokedAt),
      ),
    );
  if (!row) return null;
  // The event from its owner, after the registration (an event with registrations is never deleted).
  const event = await findEvent(deps.db, row.registration.eventId);
  return event ? { ...row, event } : null;
}
