import { type Content, esc, formatWhen } from "../../../mail/letter.js";
import type { Template } from "./queue.js";

/** Everything a registration email says, gathered at send time (see templates.ts). */
export interface MessageFacts {
  template: Template;
  orgName: string;
  name: string;
  /** The registration's status when the message is rendered. */
  status: "confirmed" | "waitlisted" | "cancelled";
  /** Place in the waitlist queue (1 = next), when waitlisted. */
  position: number | null;
  event: {
    title: string;
    url: string;
    format: "virtual" | "in_person" | "hybrid";
    venue: string | null;
    startsAt: Date;
    endsAt: Date;
    timeZone: string;
    cancelled: boolean;
  };
  manageUrl: string;
  unsubscribeUrl: string;
  /** The personal /j/ link, only for confirmed registrations of online events. */
  joinUrl: string | null;
  /** The attendee's newsletter state when the message is rendered (newsletter.ts). */
  newsletter: "requested" | "confirmed" | "withdrawn" | null;
  /** The METHOD of the calendar part the message carries, if any (invitation.ts). */
  calendar: "REQUEST" | "CANCEL" | null;
}

/** The status each template announces; a later change is pointed out in the message. */
export const ANNOUNCES: Partial<Record<Template, MessageFacts["status"]>> = {
  "registration.confirmed": "confirmed",
  "registration.promoted": "confirmed",
  "registration.waitlisted": "waitlisted",
  "registration.cancelled": "cancelled",
  "event.updated": "confirmed",
};

/** The messages a new registration (or its links again) sends, which a pending request is told in. */
const NEWSLETTER_ASKED = new Set<Template>([
  "registration.confirmed",
  "registration.waitlisted",
  "registration.resend",
]);

const STATUS_WORDS = {
  confirmed: "confirmed",
  waitlisted: "on the waitlist",
  cancelled: "cancelled",
} as const;

/** Subject, text and HTML of a message. Pure: the same facts always give the same content. */
export function composeContent(f: MessageFacts): Content {
  const title = f.event.title.replace(/\s+/g, " ").trim();
  const place = f.position ? ` Your place in the queue: ${f.position}.` : "";
  const byStatus = {
    confirmed: `You're registered for ${title}.`,
    waitlisted: `You're on the waitlist for ${title}.${place} We'll email you if a seat opens up.`,
    cancelled: `Your registration for ${title} is cancelled. Changed your mind? The link to manage your registration lets you register again while the event takes registrations.`,
  };
  const lead: Record<Template, string> = {
    "registration.confirmed": byStatus.confirmed,
    "registration.promoted": `Good news: a seat opened up and you're in for ${title}.`,
    "registration.waitlisted": byStatus.waitlisted,
    "registration.cancelled": byStatus.cancelled,
    // Sent when the address is submitted again, by its owner or by anyone: it says so, and that
    // nothing changed, so a stranger's attempt is visible to the person it concerns.
    "registration.resend": `This address was entered again to register for ${title}. Nothing changed, and here are your links. ${byStatus[f.status]}`,
    "event.updated": `${title} has changed. These are the current details.`,
    "event.cancelled": `We're sorry: ${title} has been cancelled. There is nothing you need to do.`,
  };
  const subjects: Record<Template, string> = {
    "registration.confirmed": `Registered: ${title}`,
    "registration.promoted": `You're in: ${title}`,
    "registration.waitlisted": `Waitlisted${f.position ? ` (#${f.position})` : ""}: ${title}`,
    "registration.cancelled": `Cancelled: ${title}`,
    "registration.resend": `Your links: ${title}`,
    "event.updated": `Updated: ${title}`,
    "event.cancelled": `Event cancelled: ${title}`,
  };

  const notes: string[] = [];
  const announced = ANNOUNCES[f.template];
  if (announced && announced !== f.status) {
    notes.push(`Since then your registration has changed: it is now ${STATUS_WORDS[f.status]}.${place}`);
  }
  // Double opt-in: the form only asked; the person confirms from the manage page (the mailbox).
  if (f.newsletter === "requested" && NEWSLETTER_ASKED.has(f.template)) {
    notes.push(
      "You asked for our newsletter. We send it only once you confirm: press Confirm on the page that manages your registration (the link below). If you did not ask for it, do nothing.",
    );
  }
  if (f.event.cancelled && f.template !== "event.cancelled") {
    notes.push("Please note: this event has been cancelled.");
  }
  const calendarNote =
    f.calendar === "REQUEST"
      ? "The attached invitation (invite.ics) puts the event in your calendar and keeps it up to date."
      : f.calendar === "CANCEL"
        ? "The attached calendar update (invite.ics) removes the event from your calendar."
        : null;

  const when = formatWhen(f.event.startsAt, f.event.endsAt, f.event.timeZone);
  const where = f.event.format !== "virtual" && f.event.venue ? f.event.venue : null;
  const joinNote = "opens shortly before the start; it is personal, please do not share it";

  const text = [
    `Hello ${f.name},`,
    "",
    lead[f.template],
    ...notes.map((n) => `\n${n}`),
    "",
    title,
    `When: ${when.local}`,
    `      ${when.utc}`,
    ...(where ? [`Where: ${where}`] : []),
    ...(f.joinUrl ? [`Join online: ${f.joinUrl}`, `      (${joinNote})`] : []),
    `Event page: ${f.event.url}`,
    ...(calendarNote ? ["", calendarNote] : []),
    "",
    `Manage or cancel your registration: ${f.manageUrl}`,
    "",
    "--",
    `You receive this email because you registered for an event of ${f.orgName}.`,
    `Unsubscribe: ${f.unsubscribeUrl}`,
    "",
  ].join("\n");

  const link = (href: string, label: string) => `<a href="${esc(href)}">${esc(label)}</a>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(subjects[f.template])}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em;">
<p>Hello ${esc(f.name)},</p>
<p>${esc(lead[f.template])}</p>
${notes.map((n) => `<p><strong>${esc(n)}</strong></p>`).join("\n")}
<h1 style="font-size: 1.25em;">${esc(title)}</h1>
<p><strong>When:</strong> ${esc(when.local)}<br>${esc(when.utc)}</p>
${where ? `<p><strong>Where:</strong> ${esc(where)}</p>` : ""}
${f.joinUrl ? `<p><strong>Join online:</strong> ${link(f.joinUrl, f.joinUrl)}<br><small>${esc(joinNote)}</small></p>` : ""}
${calendarNote ? `<p>${esc(calendarNote)}</p>` : ""}
<p>${link(f.event.url, "Event page")} &middot; ${link(f.manageUrl, "Manage or cancel your registration")}</p>
<hr>
<p><small>You receive this email because you registered for an event of ${esc(f.orgName)}.
${link(f.unsubscribeUrl, "Unsubscribe")}</small></p>
</body></html>
`;
  return { subject: subjects[f.template], text, html };
}
