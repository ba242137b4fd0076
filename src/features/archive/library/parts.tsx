import type { Child } from "hono/jsx";
import { formatRange, isoInZone } from "../../../web/format.js";
import { InlineMarkdown } from "../../../web/markdown.js";
import { PHOTO_SIZE, Photo } from "../../../web/photo.js";
import type { Relations } from "../../events/index.js";
import type { EventCard } from "./queries.js";

/** Small pieces shared by the library pages. */

export const archivePath = (slug: string) => `/archive/${encodeURIComponent(slug)}`;
export const eventPagePath = (slug: string) => `/events/${encodeURIComponent(slug)}`;
export const topicPath = (slug: string) => `/topics/${encodeURIComponent(slug)}`;
export const personPath = (slug: string) => `/people/${encodeURIComponent(slug)}`;
export const briefPath = (slug: string) => `/briefs/${encodeURIComponent(slug)}`;

export const RELATION_HEADING = {
  background_reading: "Background reading",
  published_after: "Published after the event",
  transcript_of: "Transcript",
} as const;

export const BRIEF_KIND = {
  brief: "Brief",
  explainer: "Explainer",
  report: "Report",
  "op-ed": "Op-ed",
  "in-the-media": "In the media",
} as const;

export function DateRange(p: { startsAt: Date; endsAt: Date; timeZone: string }) {
  return (
    <time datetime={isoInZone(p.startsAt, p.timeZone)}>{formatRange(p.startsAt, p.endsAt, p.timeZone)}</time>
  );
}

/** A list of events; past ones link to their archive entry, upcoming ones to their event page. */
export function EventCards(p: {
  items: EventCard[];
  now: Date;
  empty: string;
  note?: (e: EventCard) => Child;
}) {
  if (p.items.length === 0) return <p>{p.empty}</p>;
  return (
    <ul class="events">
      {p.items.map((e) => {
        const past = e.endsAt.getTime() <= p.now.getTime();
        return (
          <li>
            <h3>
              <a href={past ? archivePath(e.slug) : eventPagePath(e.slug)}>{e.title}</a>
            </h3>
            <p class="when meta">
              <DateRange startsAt={e.startsAt} endsAt={e.endsAt} timeZone={e.timeZone} />
            </p>
            {past && e.hasRecording ? <p class="meta badge">Recording available</p> : null}
            {p.note ? p.note(e) : null}
            {e.summary ? (
              <p>
                <InlineMarkdown text={e.summary} />
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}

export function TopicTags(p: { topics: { slug: string; name: string }[]; label?: string }) {
  if (p.topics.length === 0) return null;
  return (
    <ul class="tags" aria-label={p.label ?? "Topics"}>
      {p.topics.map((t) => (
        <li>
          <a href={topicPath(t.slug)}>{t.name}</a>
        </li>
      ))}
    </ul>
  );
}

const ROLE = { speaker: "", moderator: "Moderator", host: "Host" } as const;

export function SpeakerList(p: { speakers: Relations["speakers"] }) {
  return (
    <ul class="people">
      {p.speakers.map((s) => {
        const about = [ROLE[s.role], s.title, s.affiliation].filter(Boolean).join(", ");
        return (
          <li>
            <Photo url={s.photoUrl} name={s.name} size={PHOTO_SIZE.list} />
            <a href={personPath(s.slug)}>
              <strong>{s.name}</strong>
            </a>
            {about ? `, ${about}` : ""}
          </li>
        );
      })}
    </ul>
  );
}

/** <link rel="alternate"> for the feeds of a page, for feed readers that discover them. */
export function FeedLinks(p: { base: string; title: string }) {
  return (
    <>
      <link
        rel="alternate"
        type="application/rss+xml"
        title={`${p.title} (RSS)`}
        href={`${p.base}/feed.xml`}
      />
      <link
        rel="alternate"
        type="application/feed+json"
        title={`${p.title} (JSON Feed)`}
        href={`${p.base}/feed.json`}
      />
    </>
  );
}
