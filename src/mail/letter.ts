import { DateTime } from "luxon";
import type { Deps, MailMessage } from "../deps.js";

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
 * The event's time for people: local time in the event's zone with the offset in force, and
 * UTC, because attendees are spread over many zones and a bare "12:00" is the classic mistake.
 */
export function formatWhen(startsAt: Date, endsAt: Date, zone: string): { local: string; utc: string } {
  const span = (z: string, timeFmt: string) => {
    const s = DateTime.fromJSDate(startsAt, { zone: z }).setLocale("en-US");
    const e = DateTime.fromJSDate(endsAt, { zone: z }).setLocale("en-US");
    const day = "cccc, LLLL d, yyyy";
    const end = s.hasSame(e, "day") ? e.toFormat(timeFmt) : e.toFormat(`${day}, ${timeFmt}`);
    return { s, text: `${s.toFormat(`${day}, ${timeFmt}`)} – ${end}` };
  };
  const local = span(zone, "h:mm a");
  const utc = span("UTC", "HH:mm");
  return {
    local: `${local.text} (${zone} time, UTC${local.s.toFormat("ZZ")})`,
    utc: `${utc.text} UTC`,
  };
}

/** HTML-escapes text for element content and double- or single-quoted attributes. */
export function esc(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
