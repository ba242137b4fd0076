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

const link = (href: string, label: string) => `<a href="${esc(href)}">${esc(label)}</a>`;

/** What differs between two recipients of the same message: the rest is the same for all. */
interface Personal {
  name: string;
  sentence: string;
  unsubscribeUrl: string;
  text: string[];
  html: string;
}

/**
 * The frame both emails share: greeting, lead sentence and title, their own lines, then the
 * footer with the per-event opt-out; as text and as HTML. Built once for everyone a message goes
 * to at one moment (a chunk of a fan-out renders 100 recipients of one event), so the escaping of
 * what they share is done once; each recipient's call only fills in their own parts.
 */
function letterFrame(l: { subject: string; title: string; orgName: string }): (p: Personal) => Content {
  const head = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(l.subject)}</title></head>
<body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40em;">
<p>Hello `;
  const why = `You receive this email because you registered for an event of ${l.orgName}.`;
  const whyHtml = `<hr>\n<p><small>You receive this email because you registered for an event of ${esc(l.orgName)}.\n`;
  return (p) => {
    const text = [
      `Hello ${p.name},`,
      "",
      p.sentence,
      "",
      l.title,
      ...p.text,
      "",
      "--",
      why,
      `Stop reminders and follow-ups for this event: ${p.unsubscribeUrl}`,
      "",
    ].join("\n");
    const html = `${head}${esc(p.name)},</p>
<p>${esc(p.sentence)}</p>
<h1 style="font-size: 1.25em;">${esc(l.title)}</h1>
${p.html}
${whyHtml}<a href="${esc(p.unsubscribeUrl)}">Stop reminders and follow-ups for this event</a></small></p>
</body></html>
`;
    return { subject: l.subject, text, html };
  };
}

/** A reminder's facts that are the same for everyone it goes to at one moment. */
export type ReminderShared = Omit<ReminderFacts, ReminderPersonal>;
type ReminderPersonal = "name" | "joinUrl" | "manageUrl" | "unsubscribeUrl";

/**
 * Subject, text and HTML of a reminder, in two steps: what every recipient shares (the event's
 * time in words, which takes luxon and Intl most of a millisecond, the links, the lead) once,
 * then each recipient's own name and links. Pure.
 */
export function reminderComposer(f: ReminderShared): (p: Pick<ReminderFacts, ReminderPersonal>) => Content {
  const title = clean(f.event.title);
  const lead = reminderLead({ ...f, startsAt: f.event.startsAt });
  const subject = lead.starting ? `Starting now: ${title}` : `Reminder: ${title} starts ${lead.when}`;
  const sentence = (join: boolean) =>
    lead.starting
      ? `${title} is starting now.${join ? " Join with your personal link below." : ""}`
      : `This is a reminder: ${title} starts ${lead.when}.`;
  const sentences = [sentence(false), sentence(true)] as const;
  const when = formatWhen(f.event.startsAt, f.event.endsAt, f.event.timeZone);
  const where = f.event.format !== "virtual" && f.event.venue ? f.event.venue : null;
  const joinNote = "opens 30 minutes before the start; it is personal, please do not share it";
  const frame = letterFrame({ subject, title, orgName: f.orgName });
  const whenText = [`When: ${when.local}`, `      ${when.utc}`, ...(where ? [`Where: ${where}`] : [])];
  const linksText = [
    `Event page: ${f.event.url}`,
    `Add to your calendar: ${f.icsUrl}`,
    `      Google Calendar: ${f.googleUrl}`,
    "",
  ];
  const whenHtml = `<p><strong>When:</strong> ${esc(when.local)}<br>${esc(when.utc)}</p>
${where ? `<p><strong>Where:</strong> ${esc(where)}</p>` : ""}
`;
  const linksHtml = `
<p>${link(f.event.url, "Event page")} &middot; Add to your calendar: ${link(f.icsUrl, "iCalendar (.ics)")}, ${link(f.googleUrl, "Google Calendar")}</p>
<p>Can't make it? `;
  const escNote = esc(joinNote);
  return (p) =>
    frame({
      name: p.name,
      sentence: sentences[p.joinUrl ? 1 : 0],
      unsubscribeUrl: p.unsubscribeUrl,
      text: [
        ...whenText,
        ...(p.joinUrl ? [`Join online: ${p.joinUrl}`, `      (${joinNote})`] : []),
        ...linksText,
        `Can't make it? Manage or cancel your registration: ${p.manageUrl}`,
      ],
      html: `${whenHtml}${p.joinUrl ? `<p><strong>Join online:</strong> ${link(p.joinUrl, p.joinUrl)}<br><small>${escNote}</small></p>` : ""}${linksHtml}${link(p.manageUrl, "Manage or cancel your registration")}</p>`,
    });
}

/** Subject, text and HTML of a reminder to one recipient. Pure. */
export function composeReminder(f: ReminderFacts): Content {
  return reminderComposer(f)(f);
}

/** A recording notice's facts that are the same for everyone it goes to. */
export type RecordingShared = Omit<RecordingFacts, RecordingPersonal>;
type RecordingPersonal = "name" | "manageUrl" | "unsubscribeUrl";

/** Subject, text and HTML of the "recording available" follow-up, shared parts once (as reminderComposer). Pure. */
export function recordingNoticeComposer(
  f: RecordingShared,
): (p: Pick<RecordingFacts, RecordingPersonal>) => Content {
  const title = clean(f.event.title);
  const subject = `Recording available: ${title}`;
  const when = formatWhen(f.event.startsAt, f.event.endsAt, f.event.timeZone);
  const sentence = `The recording of ${title} is now available.`;
  const briefs = f.briefs.map((b) => ({ title: clean(b.title), url: b.url }));
  const frame = letterFrame({ subject, title, orgName: f.orgName });
  const text = [
    `Held: ${when.local}`,
    `Watch: ${f.watchUrl}`,
    ...(briefs.length ? ["", "Related research:", ...briefs.map((b) => `- ${b.title}: ${b.url}`)] : []),
    "",
  ];
  const html = `<p><strong>Held:</strong> ${esc(when.local)}</p>
<p><strong>${link(f.watchUrl, "Watch the recording")}</strong></p>
${
  briefs.length
    ? `<h2 style="font-size: 1.1em;">Related research</h2>\n<ul>${briefs.map((b) => `<li>${link(b.url, b.title)}</li>`).join("")}</ul>`
    : ""
}
<p>`;
  return (p) =>
    frame({
      name: p.name,
      sentence,
      unsubscribeUrl: p.unsubscribeUrl,
      text: [...text, `Your registration: ${p.manageUrl}`],
      html: `${html}${link(p.manageUrl, "Your registration")}</p>`,
    });
}

/** Subject, text and HTML of the "recording available" follow-up to one recipient. Pure. */
export function composeRecordingNotice(f: RecordingFacts): Content {
  return recordingNoticeComposer(f)(f);
}
