import { type Content, esc, formatWhen } from "../../mail/letter.js";
import { offsetWords } from "../events/index.js";

/** A reminder that goes out this much after its moment (downtime) says how long is left instead. */
export const LATE_AFTER_MS = 5 * 60_000;

export interface ReminderFacts {
  orgName: string;
  name: string;
  offsetIso: string;
  dueAt: number;
  /** When the message is rendered (just before it is sent). */
  now: number;
  event: {
    title: string;
    url: string;
    format: "virtual" | "in_person" | "hybrid";
    venue: string | null;
    startsAt: Date;
    endsAt: Date;
    timeZone: string;
  };
  joinUrl: string | null;
  icsUrl: string;
  googleUrl: string;
  manageUrl: string;
  unsubscribeUrl: string;
}

export interface RecordingFacts {
  orgName: string;
  name: string;
  event: { title: string; startsAt: Date; endsAt: Date; timeZone: string };
  watchUrl: string;
  briefs: { title: string; url: string }[];
  manageUrl: string;
  unsubscribeUrl: string;
}

const clean = (s: string) => s.replace(/\s+/g, " ").trim();

/** The lead sentence: on time it follows the offset, late it counts the minutes left. */
export function reminderLead(f: Pick<ReminderFacts, "offsetIso" | "dueAt" | "now"> & { startsAt: Date }) {
  const left = Math.ceil((f.startsAt.getTime() - f.now) / 60_000);
  if (offsetWords(f.offsetIso) === "now") return { when: "now", starting: true };
  if (f.now - f.dueAt > LATE_AFTER_MS) return { when: `in ${minutesWords(left)}`, starting: false };
  return { when: offsetWords(f.offsetIso), starting: false };
}

/** "42 minutes"; from two hours on, "21 hours 5 minutes" reads better than "1265 minutes". */
export function minutesWords(n: number): string {
  const unit = (k: number, word: string) => `${k} ${word}${k === 1 ? "" : "s"}`;
  if (n < 120) return unit(n, "minute");
  const rest = n % 60;
  return rest ? `${unit(Math.floor(n / 60), "hour")} ${unit(rest, "minute")}` : unit(n / 60, "hour");
}

function footer(orgName: string, unsubscribeUrl: string) {
  return {
    text: [
      "--",
      `You receive this email because you registered for an event of ${orgName}.`,
      `Stop reminders and follow-ups for this event: ${unsubscribeUrl}`,
    ],
    html: `<hr>\n<p><small>You receive this email because you registered for an event of ${esc(orgName)}.
<a href="${esc(unsubscribeUrl)}">Stop reminders and follow-ups for this event</a></small></p>`,
  };
}

const link = (href: string, label: string) => `<a href="${esc(href)}">${esc(label)}</a>`;

/**
 * The frame both emails share: greeting, lead sentence and title, their own lines, then the
 * footer with the per-event opt-out; as text and as HTML.
 */
function letter(l: {
  subject: string;
  name: string;
  sentence: string;
  title: string;
  orgName: string;
  unsubscribeUrl: string;
  text: string[];
  html: string;
}): Content {
  const foot = footer(l.orgName, l.unsubscribeUrl);
  const text = [`Hello ${l.name},`, "", l.sentence, "", l.title, ...l.text, "", ...foot.text, ""].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(l.subject)}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em;">
<p>Hello ${esc(l.name)},</p>
<p>${esc(l.sentence)}</p>
<h1 style="font-size: 1.25em;">${esc(l.title)}</h1>
${l.html}
${foot.html}
</body></html>
`;
  return { subject: l.subject, text, html };
}

/** Subject, text and HTML of a reminder. Pure. */
export function composeReminder(f: ReminderFacts): Content {
  const title = clean(f.event.title);
  const lead = reminderLead({ ...f, startsAt: f.event.startsAt });
  const subject = lead.starting ? `Starting now: ${title}` : `Reminder: ${title} starts ${lead.when}`;
  const sentence = lead.starting
    ? `${title} is starting now.${f.joinUrl ? " Join with your personal link below." : ""}`
    : `This is a reminder: ${title} starts ${lead.when}.`;
  const when = formatWhen(f.event.startsAt, f.event.endsAt, f.event.timeZone);
  const where = f.event.format !== "virtual" && f.event.venue ? f.event.venue : null;
  const joinNote = "opens 30 minutes before the start; it is personal, please do not share it";
  return letter({
    subject,
    name: f.name,
    sentence,
    title,
    orgName: f.orgName,
    unsubscribeUrl: f.unsubscribeUrl,
    text: [
      `When: ${when.local}`,
      `      ${when.utc}`,
      ...(where ? [`Where: ${where}`] : []),
      ...(f.joinUrl ? [`Join online: ${f.joinUrl}`, `      (${joinNote})`] : []),
      `Event page: ${f.event.url}`,
      `Add to your calendar: ${f.icsUrl}`,
      `      Google Calendar: ${f.googleUrl}`,
      "",
      `Can't make it? Manage or cancel your registration: ${f.manageUrl}`,
    ],
    html: `<p><strong>When:</strong> ${esc(when.local)}<br>${esc(when.utc)}</p>
${where ? `<p><strong>Where:</strong> ${esc(where)}</p>` : ""}
${f.joinUrl ? `<p><strong>Join online:</strong> ${link(f.joinUrl, f.joinUrl)}<br><small>${esc(joinNote)}</small></p>` : ""}
<p>${link(f.event.url, "Event page")} &middot; Add to your calendar: ${link(f.icsUrl, "iCalendar (.ics)")}, ${link(f.googleUrl, "Google Calendar")}</p>
<p>Can't make it? ${link(f.manageUrl, "Manage or cancel your registration")}</p>`,
  });
}

/** Subject, text and HTML of the "recording available" follow-up. Pure. */
export function composeRecordingNotice(f: RecordingFacts): Content {
  const title = clean(f.event.title);
  const subject = `Recording available: ${title}`;
  const when = formatWhen(f.event.startsAt, f.event.endsAt, f.event.timeZone);
  const sentence = `The recording of ${title} is now available.`;
  const briefs = f.briefs.map((b) => ({ title: clean(b.title), url: b.url }));
  return letter({
    subject,
    name: f.name,
    sentence,
    title,
    orgName: f.orgName,
    unsubscribeUrl: f.unsubscribeUrl,
    text: [
      `Held: ${when.local}`,
      `Watch: ${f.watchUrl}`,
      ...(briefs.length ? ["", "Related research:", ...briefs.map((b) => `- ${b.title}: ${b.url}`)] : []),
      "",
      `Your registration: ${f.manageUrl}`,
    ],
    html: `<p><strong>Held:</strong> ${esc(when.local)}</p>
<p><strong>${link(f.watchUrl, "Watch the recording")}</strong></p>
${
  briefs.length
    ? `<h2 style="font-size: 1.1em;">Related research</h2>\n<ul>${briefs.map((b) => `<li>${link(b.url, b.title)}</li>`).join("")}</ul>`
    : ""
}
<p>${link(f.manageUrl, "Your registration")}</p>`,
  });
}
