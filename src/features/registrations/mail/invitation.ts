import type { Config } from "../../../config.js";
import type { MailCalendar } from "../../../deps.js";
import { buildCalendar } from "../../calendar/index.js";
import type { EventWithRelations } from "../../events/index.js";
import type { Template } from "./queue.js";

/**
 * The iMIP part (RFC 6047) of registration and event emails. The calendar part always says what
 * is true when the message is SENT (messages render at send time, render.ts), never what
 * was true when it was queued, so that messages arriving in any order leave calendars right:
 *
 * - "you have a seat" messages (confirmed, promoted, resend, event.updated) carry a REQUEST
 *   while the registration is confirmed and the event published, with the event's current
 *   data and SEQUENCE (if the event changed after the message was queued, the latest version
 *   goes out; a calendar ignores an older SEQUENCE arriving later);
 * - cancellations (registration.cancelled, also used for staff removal, and event.cancelled)
 *   carry a CANCEL for people who held a seat, and so an invitation, unless they hold a seat of
 *   a still published event again by now (a CANCEL then would remove a valid entry);
 * - the waitlisted are not attending, so they get neither.
 *
 * The UID never changes. SEQUENCE is the event's: a CANCEL for one attendee keeps the sequence
 * of the REQUEST it withdraws (RFC 5546 asks for no lower one) and is told apart from it by a
 * later DTSTAMP, the registration's own change time.
 */
export type InvitationMethod = MailCalendar["method"];

const SEAT_MESSAGES = new Set<Template>([
  "registration.confirmed",
  "registration.promoted",
  "registration.resend",
  "event.updated",
]);

export interface InvitationState {
  status: "confirmed" | "waitlisted" | "cancelled";
  eventStatus: string;
  /** Held a seat when the cancellation was queued (or, for older rows, was ever confirmed). */
  hadSeat: boolean;
}

export function invitationMethod(template: Template, s: InvitationState): InvitationMethod | null {
  const seat = s.status === "confirmed" && s.eventStatus === "published";
  if (SEAT_MESSAGES.has(template)) return seat ? "REQUEST" : null;
  if (template === "registration.cancelled" || template === "event.cancelled") {
    return s.hadSeat && !seat ? "CANCEL" : null;
  }
  return null;
}

/** The address in a From value ("Convene <events@example.org>" or a bare address). */
export function addressOf(from: string): string {
  const angle = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  return (angle?.[1] ?? from).trim();
}

/** The iCalendar text of one attendee's invitation or cancellation, from the one builder. */
export function buildInvitation(o: {
  method: InvitationMethod;
  event: EventWithRelations;
  attendee: { name: string; email: string };
  /** The /j/ link minted for this very message; the event's own join URL never goes out. */
  personalJoinUrl: string | null;
  /** The registration's last change: DTSTAMP when it is newer than the event's. */
  stamp: Date;
  config: Config;
}): MailCalendar {
  const { row, rel } = o.event;
  const content = buildCalendar({
    name: row.title,
    method: o.method,
    events: [
      {
        row,
        rel,
        attendee: { name: o.attendee.name, email: o.attendee.email },
        ...(o.personalJoinUrl && o.method === "REQUEST" ? { personalJoinUrl: o.personalJoinUrl } : {}),
        stamp: o.stamp,
      },
    ],
    config: o.config,
    organizerEmail: addressOf(o.config.MAIL_FROM),
  });
  return { method: o.method, content };
}
