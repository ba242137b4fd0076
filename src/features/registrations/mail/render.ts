import { sql } from "drizzle-orm";
import { sqlBatch } from "../../../db/batch.js";
import { mintToken } from "../../../lib/tokens.js";
import { outgoing } from "../../../mail/letter.js";
import { eventFactsJson, eventValue, findEventWithRelations } from "../../events/index.js";
import {
  type MessageKind,
  queuedLater,
  queuedOtherThan,
  type RenderDeps,
  type Rendered,
  type RenderItem,
} from "../../outbox/index.js";
import { joinPath, messageTokenStatements } from "../tokens.js";
import { ANNOUNCES, composeContent, type MessageFacts } from "./content.js";
import { buildInvitation, invitationMethod } from "./invitation.js";
import { TEMPLATES, type Template } from "./queue.js";

/** The event's side of the facts (events/fragments.ts eventFactsJson, flattened). */
interface EventFacts {
  event_id: string;
  sequence: number;
  title: string;
  slug: string;
  format: MessageFacts["event"]["format"];
  venue: string | null;
  starts_at: number;
  ends_at: number;
  time_zone: string;
  event_status: string;
}

interface Facts extends EventFacts {
  status: MessageFacts["status"];
  registration_updated_at: number;
  confirmed_at: number | null;
  newer_invite: number;
  position: number | null;
  email: string;
  name: string;
  erased_at: number | null;
  newsletter_state: MessageFacts["newsletter"];
  join_path: string | null;
  said_again: number;
}

function eventFacts(json: string): EventFacts {
  const { id, status, ...rest } = JSON.parse(json) as Omit<EventFacts, "event_id" | "event_status"> & {
    id: string;
    status: string;
  };
  return { ...rest, event_id: id, event_status: status };
}

/**
 * Turns an outbox row into a message at send time. The outbox holds only a template name and
 * the registration id; the links are capabilities, so each message mints its own manage token
 * (and, for a confirmed seat at an online event, a join token) and stores only their hashes.
 * The tokens are minted, and the facts read, in one batch, conditional on the registration
 * still existing and its attendee not being erased; otherwise the message is skipped.
 * Unknown templates throw, which the dispatcher records as a failure (and, in time, dead).
 *
 * Everything is read when the message is sent, not when it was queued: if the event changed in
 * between, the message (and its invitation, invitation.ts) shows the latest version. An
 * "event.updated" is skipped when the registrant no longer holds a seat (their cancellation
 * said so), when the event was cancelled since (the cancellation notice says so) and when a
 * later change queued one for them already (it carries the same, latest data).
 */
async function renderRegistrationMessage(
  deps: RenderDeps,
  { row, messageId }: RenderItem,
): Promise<Rendered> {
  const registrationId = row.params.registrationId;
  if (typeof registrationId !== "string") throw new Error("params.registrationId is missing");
  const { PUBLIC_URL } = deps.config;
  const now = deps.clock.now().getTime();
  const template = row.template as Template;
  // Messages about the registration's own status (not event changes) that say the same thing.
  const announces = template === "event.updated" ? undefined : ANNOUNCES[template];
  const sameNews = announces
    ? TEMPLATES.filter((t) => t !== "event.updated" && ANNOUNCES[t] === announces)
    : [];
  const manage = await mintToken(deps);
  const unsub = await mintToken(deps);
  const tokens = [{ i: 0, reg: registrationId, manage: manage.hash, unsub: unsub.hash }];
  const [, , , rows] = await sqlBatch(deps.db, [
    ...messageTokenStatements(tokens, now, "any"),
    sql`SELECT r.status, r.updated_at AS registration_updated_at, r.confirmed_at, ${eventFactsJson(sql`r.event_id`)} AS event,
               ${queuedOtherThan(sql`'reg:' || r.id || ':invite:' || ${eventValue(sql`r.event_id`, "sequence")} || ':REQUEST'`, row.id)} AS newer_invite,
               a.email, a.name, a.erased_at, a.newsletter_state,
               CASE WHEN r.status = 'waitlisted' THEN
                 (SELECT count(*) FROM registrations w WHERE w.event_id = r.event_id
                    AND w.status = 'waitlisted' AND w.waitlist_position <= r.waitlist_position) END AS position,
               ${joinPath("r", 0)} AS join_path,
               ${queuedLater(`reg:${registrationId}:`, sameNews, row.id)} AS said_again
        FROM registrations r JOIN attendees a ON a.id = r.attendee_id
        WHERE r.id = ${registrationId}`,
  ]);
  const read = rows?.[0] as (Omit<Facts, keyof EventFacts> & { event: string }) | undefined;
  // (An event cannot be deleted while it has registrations; without one, nothing is said.)
  const f: Facts | undefined = read?.event ? { ...read, ...eventFacts(read.event) } : undefined;
  if (!f) return { skip: "registration no longer exists" };
  if (f.erased_at !== null) return { skip: "attendee erased" };
  // Only what is still true when it leaves (a cancel and a comeback in one tick send one email):
  if (announces && template !== "event.updated") {
    // a later message says the same (a second confirmation, a second cancellation);
    if (Number(f.said_again)) return { skip: `a later ${announces} message says it` };
    // a cancellation when the person holds a seat again (their new invitation follows; a
    // comeback onto the waitlist still gets it: the seat and its calendar entry are gone);
    if (template === "registration.cancelled" && f.status === "confirmed")
      return { skip: "confirmed again since" };
    // a seat or a waitlist place that is gone (the cancellation or promotion says what is true).
    if (template !== "registration.cancelled" && f.status !== announces)
      return { skip: `registration ${f.status} since` };
  }
  if (template === "event.updated") {
    if (f.status !== "confirmed") return { skip: `registration ${f.status} since` };
    if (f.event_status !== "published") return { skip: `event ${f.event_status} since` };
    if (Number(row.params.sequence) < Number(f.sequence) && Number(f.newer_invite)) {
      return { skip: `superseded by the invitation for sequence ${f.sequence}` };
    }
  }
  const joinUrl = f.join_path ? `${PUBLIC_URL}${f.join_path}` : null;
  const hadSeat = typeof row.params.hadSeat === "boolean" ? row.params.hadSeat : f.confirmed_at !== null;
  const state = { status: f.status, hadSeat };
  // The full event (with speakers and topics) only when an invitation goes out. It is read
  // after the facts, so it is at least as new: the body is built from it too, and agrees.
  let method = invitationMethod(template, { ...state, eventStatus: f.event_status });
  const found = method ? await findEventWithRelations(deps.db, f.event_id) : undefined;
  if (!found) method = null;
  else method = invitationMethod(template, { ...state, eventStatus: found.row.status });
  const ev = found?.row;

  const manageUrl = `${PUBLIC_URL}/r/${manage.token}`;
  const unsubscribeUrl = `${PUBLIC_URL}/r/${unsub.token}/unsubscribe`;
  const content = composeContent({
    template,
    orgName: deps.config.ORG_NAME,
    name: f.name,
    status: f.status,
    position: f.position === null ? null : Number(f.position),
    event: ev
      ? {
          title: ev.title,
          url: `${PUBLIC_URL}/events/${ev.slug}`,
          format: ev.format,
          venue: ev.venue,
          startsAt: ev.startsAt,
          endsAt: ev.endsAt,
          timeZone: ev.timeZone,
          cancelled: ev.status === "cancelled",
        }
      : {
          title: f.title,
          url: `${PUBLIC_URL}/events/${f.slug}`,
          format: f.format,
          venue: f.venue,
          startsAt: new Date(Number(f.starts_at)),
          endsAt: new Date(Number(f.ends_at)),
          timeZone: f.time_zone,
          cancelled: f.event_status === "cancelled",
        },
    manageUrl,
    unsubscribeUrl,
    joinUrl,
    newsletter: f.newsletter_state,
    calendar: method,
  });
  const calendar =
    method && found
      ? buildInvitation({
          method,
          event: found,
          attendee: { name: f.name, email: f.email },
          personalJoinUrl: joinUrl,
          stamp: new Date(Number(f.registration_updated_at)),
          config: deps.config,
        })
      : undefined;
  const message = outgoing(deps.config, f.email, content, unsubscribeUrl, row.dedupeKey);
  return {
    message: {
      ...message,
      messageId,
      ...(calendar ? { calendar } : {}),
    },
  };
}

/** Registrants' mail: confirmations, waitlist places, promotions, cancellations, event changes. */
export const registrationMessages: MessageKind = {
  name: "registration",
  templates: TEMPLATES,
  render: renderRegistrationMessage,
};
