import type { Config } from "../../config.js";
import { markdownToText } from "../../lib/markdown.js";
import { isoInZone } from "../../web/format.js";
import { showablePhoto } from "../../web/photo.js";
import type { EventRow, Relations } from "../events/index.js";

const SCHEMA = "https://schema.org/";

const MODE = {
  virtual: `${SCHEMA}OnlineEventAttendanceMode`,
  in_person: `${SCHEMA}OfflineEventAttendanceMode`,
  hybrid: `${SCHEMA}MixedEventAttendanceMode`,
} as const;

export const eventPageUrl = (config: Config, slug: string) =>
  `${config.PUBLIC_URL}/events/${encodeURIComponent(slug)}`;

/**
 * schema.org Event for search engines. The online location is the PUBLIC event page: the
 * meeting link is private and reaches attendees only through their personal /j/ links.
 */
export function eventJsonLd(row: EventRow, rel: Relations, config: Config): Record<string, unknown> {
  const url = eventPageUrl(config, row.slug);
  const virtual = { "@type": "VirtualLocation", url };
  const place = row.venue ? { "@type": "Place", name: row.venue, address: row.venue } : null;
  const location =
    row.format === "virtual"
      ? virtual
      : row.format === "in_person"
        ? place
        : place
          ? [virtual, place]
          : virtual;
  const performers = rel.speakers.filter((s) => s.role !== "host");
  return {
    "@context": "https://schema.org",
    "@type": "Event",
    name: row.title,
    ...(row.summary ? { description: markdownToText(row.summary, { links: false }) } : {}),
    url,
    startDate: isoInZone(row.startsAt, row.timeZone),
    endDate: isoInZone(row.endsAt, row.timeZone),
    eventAttendanceMode: MODE[row.format],
    eventStatus: `${SCHEMA}${row.status === "cancelled" ? "EventCancelled" : "EventScheduled"}`,
    ...(location ? { location } : {}),
    isAccessibleForFree: true,
    organizer: { "@type": "Organization", name: config.ORG_NAME, url: config.PUBLIC_URL },
    ...(performers.length
      ? {
          performer: performers.map((s) => ({
            "@type": "Person",
            name: s.name,
            ...(s.title ? { jobTitle: s.title } : {}),
            ...(s.affiliation ? { affiliation: { "@type": "Organization", name: s.affiliation } } : {}),
            ...(showablePhoto(s.photoUrl) ? { image: s.photoUrl } : {}),
          })),
        }
      : {}),
    ...(rel.topics.length ? { keywords: rel.topics.map((t) => t.name).join(", ") } : {}),
  };
}

/**
 * JSON for inside <script type="application/ld+json">. The HTML parser ends the script at the
 * first "</script", whatever JSON thinks, so "<" (and ">", "&", the JS line separators) become
 * \u escapes: still the same JSON, never markup.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
