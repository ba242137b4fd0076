import type { Deps, MailMessage } from "../deps.js";
import { formatRange, formatUtcRange } from "../web/format.js";

/** What a letter says: every email's subject, plain text and HTML. */
export interface Content {
  subject: string;
  text: string;
  html: string;
}

/**
 * The envelope every registrant email shares: our From, RFC 8058 one-click unsubscribe (which
 * turns off reminders for that registration's event) and the dedupe key as Idempotency-Key.
 */
export function outgoing(
  config: Pick<Deps["config"], "MAIL_FROM">,
  to: string,
  content: { subject: string; text: string; html: string },
  unsubscribeUrl: string,
  dedupeKey: string,
): Omit<MailMessage, "messageId"> {
  return {
    from: config.MAIL_FROM,
    to,
    ...content,
    headers: {
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    idempotencyKey: dedupeKey,
  };
}

/**
 * The event's time for people: the pages' own wording (local time in the event's zone with
 * the offset in force) and the same range in UTC, because attendees are spread over many
 * zones and a bare "12:00" is the classic mistake.
 */
export function formatWhen(startsAt: Date, endsAt: Date, zone: string): { local: string; utc: string } {
  const key = `${startsAt.getTime()}/${endsAt.getTime()}/${zone}`;
  let when = recentWhens.get(key);
  if (!when) {
    when = { local: formatRange(startsAt, endsAt, zone), utc: formatUtcRange(startsAt, endsAt) };
    // A few events' times at once (the mail of one cron run or fan-out): luxon and Intl take
    // milliseconds per call in workerd, every chunk of a queued fan-out asked again.
    if (recentWhens.size >= RECENT_WHENS) recentWhens.clear();
    recentWhens.set(key, when);
  }
  return { ...when };
}

const RECENT_WHENS = 64;
const recentWhens = new Map<string, { local: string; utc: string }>();

/** HTML-escapes text for element content and double- or single-quoted attributes. */
export function esc(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
