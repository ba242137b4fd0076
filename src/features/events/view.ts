import type { Config } from "../../config.js";
import { isoUtc, localView } from "../../lib/time.js";
import { embedSnippet } from "../../web/embedding.js";
import type { EventRow, Relations } from "./queries.js";
import type { EventView } from "./schemas.js";

const iso = (d: Date | null) => (d ? isoUtc(d) : null);

/**
 * The JSON shape of an event. The join URL and bookkeeping fields appear only in the staff
 * view: the public never sees the meeting link (attendees get personal /j/ links instead).
 */
export function eventView(row: EventRow, rel: Relations, config: Config, staff: boolean): EventView {
  const start = localView(row.startsAt, row.timeZone);
  const end = localView(row.endsAt, row.timeZone);
  return {
    id: row.id,
    slug: row.slug,
    url: `${config.PUBLIC_URL}/events/${encodeURIComponent(row.slug)}`,
    title: row.title,
    summary: row.summary,
    description: row.description,
    format: row.format,
    status: row.status,
    startsAt: isoUtc(row.startsAt),
    endsAt: isoUtc(row.endsAt),
    timeZone: row.timeZone,
    local: { startsAt: start.local, endsAt: end.local, utcOffset: start.offset },
    durationMinutes: Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / 60_000),
    venue: row.venue,
    capacity: row.capacity,
    waitlist: row.waitlist,
    registration: { opensAt: iso(row.registrationOpensAt), closesAt: iso(row.registrationClosesAt) },
    questions: row.questions,
    topics: rel.topics,
    speakers: rel.speakers,
    briefs: rel.briefs,
    reminders: row.reminders,
    sequence: row.sequence,
    publishedAt: iso(row.publishedAt),
    cancelledAt: iso(row.cancelledAt),
    updatedAt: isoUtc(row.updatedAt),
    embedHtml: embedSnippet(config, row),
    ...(staff ? { joinUrl: row.joinUrl, createdAt: isoUtc(row.createdAt) } : {}),
  };
}
