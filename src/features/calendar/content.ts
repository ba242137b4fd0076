import type { Config } from "../../config.js";
import { markdownToText } from "../../lib/markdown.js";
import type { EventRow, Relations } from "../events/index.js";

/** The parts of the configuration calendar output depends on (and nothing else). */
export type CalendarConfig = Pick<Config, "PUBLIC_URL" | "ORG_NAME" | "DEFAULT_TIME_ZONE">;

export const hostOf = (config: Pick<Config, "PUBLIC_URL">) => new URL(config.PUBLIC_URL).hostname;

/**
 * The event's UID for its whole life: the id never changes and neither does the host. (If
 * PUBLIC_URL ever moves to another host, every UID changes with it: keep the old host then.)
 */
export const uidOf = (row: Pick<EventRow, "id">, config: Pick<Config, "PUBLIC_URL">) =>
  `${row.id}@${hostOf(config)}`;

/** Where iMIP replies would go; there is no config variable for it yet. */
export const organizerEmailOf = (config: Pick<Config, "PUBLIC_URL">) => `events@${hostOf(config)}`;

export const eventPageUrl = (config: Pick<Config, "PUBLIC_URL">, slug: string) =>
  `${config.PUBLIC_URL}/events/${encodeURIComponent(slug)}`;

const ROLE_LABEL = { speaker: "", moderator: " (moderator)", host: " (host)" } as const;

/** C0 controls other than tab and line breaks, DEL, and U+2028/9: never meaningful in calendar text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u2028\u2029]/g;

/** Plain text for a TEXT value: no control characters; line breaks stay (the escaper turns them into \n). */
export const cleanText = (s: string) => s.replace(CONTROL, "").replace(/\r\n?/g, "\n");

/**
 * A parameter value (CN=...) cannot carry quotes, backslashes or line breaks (RFC 5545 has no
 * escapes there), so they are dropped rather than escaped.
 */
export const cleanParam = (s: string) =>
  s
    .replace(/[\r\n\t]+/g, " ")
    .replace(CONTROL, "")
    .replace(/["\\]/g, "")
    .trim();

export interface EntryView {
  summary: string;
  description: string;
  location: string;
}

export interface EntryFacts {
  row: EventRow;
  rel: Relations;
  config: Pick<Config, "PUBLIC_URL">;
  personalJoinUrl?: string;
  waitlisted?: boolean;
  location?: string;
  method?: "PUBLISH" | "REQUEST" | "CANCEL";
}

/**
 * Summary, description and location of one event. The event's own joinUrl is never read
 * here; if staff pasted it into a text field, it is replaced so that it cannot leak.
 */
export function entryView(f: EntryFacts): EntryView {
  const { row, rel } = f;
  const page = eventPageUrl(f.config, row.slug);
  const redact = (s: string) =>
    row.joinUrl ? s.split(row.joinUrl).join("(the join link is sent to registered attendees)") : s;
  const text = (s: string | null | undefined) => (s ? cleanText(redact(s)).trim() : "");
  const cancelled = row.status === "cancelled";
  const cancelMessage = f.method === "CANCEL";

  const title = text(row.title);
  // Feeds say it in the summary too (some apps ignore STATUS); a METHOD:CANCEL client says it itself.
  const summary =
    cancelled && !cancelMessage ? `Cancelled: ${title}` : f.waitlisted ? `Waitlist: ${title}` : title;

  // A personal join link only while it can still be used.
  const personal = cancelled || cancelMessage ? undefined : f.personalJoinUrl;
  const online = personal ?? page;
  const venue = text(row.venue);
  const location =
    f.location !== undefined
      ? text(f.location)
      : row.format === "virtual" || !venue
        ? online
        : row.format === "hybrid"
          ? `${venue} (and online: ${online})`
          : venue;

  const parts: string[] = [];
  if (cancelled) parts.push("This event has been cancelled.");
  else if (cancelMessage) parts.push("Your registration has been cancelled.");
  else if (f.waitlisted) parts.push("You are on the waitlist. We will email you if a seat becomes free.");
  // Descriptions are Markdown (src/lib/markdown.ts); calendars show plain text.
  for (const p of [text(row.summary), text(row.description)]) if (p) parts.push(markdownToText(p));
  if (rel.speakers.length > 0) {
    const lines = rel.speakers.map((s) => {
      const about = [s.title, s.affiliation]
        .map((x) => text(x))
        .filter(Boolean)
        .join(", ");
      return `- ${text(s.name)}${ROLE_LABEL[s.role]}${about ? `, ${about}` : ""}`;
    });
    parts.push(`Speakers:\n${lines.join("\n")}`);
  }
  if (personal) parts.push(`Join online (your personal link): ${personal}`);
  if (venue && row.format !== "virtual") parts.push(`Venue: ${venue}`);
  parts.push(`Event page: ${page}`);
  return { summary, description: parts.join("\n\n"), location };
}
