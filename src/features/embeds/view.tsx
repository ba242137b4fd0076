import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { Config } from "../../config.js";
import { markdownToText } from "../../lib/markdown.js";
import { formatRange, isoInZone } from "../../web/format.js";
import { PHOTO_SIZE, Photo } from "../../web/photo.js";
import type { EventCard } from "../archive/index.js";
import type { EventRow, EventWithRelations, Relations } from "../events/index.js";
import { EMBED_CSS, type Theme } from "./style.js";

/**
 * The blocks other sites frame: no script, no external file, every link opening our page in a
 * new tab (a click inside a frame would otherwise load our page inside the host's box).
 */

const out = { target: "_blank", rel: "noopener" } as const;

const eventUrl = (config: Config, slug: string) => `${config.PUBLIC_URL}/events/${encodeURIComponent(slug)}`;
const archiveUrl = (config: Config, slug: string) =>
  `${config.PUBLIC_URL}/archive/${encodeURIComponent(slug)}`;

/** Where a visitor reads more: the archive entry once a published event has ended, else its page. */
export function pageOf(config: Config, row: Pick<EventRow, "slug" | "status" | "endsAt">, now: Date) {
  const past = row.status === "published" && row.endsAt.getTime() <= now.getTime();
  return past ? archiveUrl(config, row.slug) : eventUrl(config, row.slug);
}

export function EmbedDocument(p: { title: string; theme: Theme; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{p.title}</title>
        <style>{raw(EMBED_CSS[p.theme])}</style>
      </head>
      <body>{p.children}</body>
    </html>
  );
}

function When(p: { row: Pick<EventRow, "startsAt" | "endsAt" | "timeZone"> }) {
  return (
    <p class="when">
      <time datetime={isoInZone(p.row.startsAt, p.row.timeZone)}>
        {formatRange(p.row.startsAt, p.row.endsAt, p.row.timeZone)}
      </time>
    </p>
  );
}

const ROLE = { speaker: "", moderator: "Moderator", host: "Host" } as const;

function People(p: { speakers: Relations["speakers"] }) {
  if (p.speakers.length === 0) return null;
  return (
    <ul class="people" aria-label="Speakers">
      {p.speakers.map((s) => (
        <li>
          <Photo url={s.photoUrl} name={s.name} size={PHOTO_SIZE.embed} />
          <span>
            {s.name}
            {ROLE[s.role] ? <span class="meta">{` (${ROLE[s.role]})`}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

function EventItem(p: { ev: EventWithRelations; config: Config; now: Date }) {
  const { row, rel } = p.ev;
  return (
    <li class="item">
      <a class="title" href={pageOf(p.config, row, p.now)} {...out}>
        {row.title}
      </a>
      <When row={row} />
      <People speakers={rel.speakers} />
    </li>
  );
}

function RecordingItem(p: { card: EventCard; config: Config }) {
  return (
    <li class="item">
      <a class="title" href={archiveUrl(p.config, p.card.slug)} {...out}>
        {p.card.title}
      </a>
      <When row={p.card} />
      <p class="meta">Recording available</p>
    </li>
  );
}

/** Upcoming events (and recent recordings when asked for), of everything or of one topic. */
export function EventsBlock(p: {
  heading: string;
  events: EventWithRelations[];
  recordings: EventCard[] | null;
  more: { href: string; label: string };
  config: Config;
  now: Date;
  theme: Theme;
}) {
  return (
    <EmbedDocument title={`${p.heading} | ${p.config.ORG_NAME}`} theme={p.theme}>
      <h1>{p.heading}</h1>
      {p.events.length ? (
        <ul>
          {p.events.map((ev) => (
            <EventItem ev={ev} config={p.config} now={p.now} />
          ))}
        </ul>
      ) : (
        <p class="empty">No events are scheduled right now.</p>
      )}
      {p.recordings?.length ? (
        <>
          <h2>Recent recordings</h2>
          <ul>
            {p.recordings.map((card) => (
              <RecordingItem card={card} config={p.config} />
            ))}
          </ul>
        </>
      ) : null}
      <p class="more">
        <a href={p.more.href} {...out}>
          {p.more.label}
        </a>
      </p>
    </EmbedDocument>
  );
}

/** One event's card: the frame oEmbed and the staff snippet point at. */
export function EventCardBlock(p: { ev: EventWithRelations; config: Config; now: Date; theme: Theme }) {
  const { row, rel } = p.ev;
  const past = row.status === "published" && row.endsAt.getTime() <= p.now.getTime();
  return (
    <EmbedDocument title={`${row.title} | ${p.config.ORG_NAME}`} theme={p.theme}>
      <h1>
        <a href={pageOf(p.config, row, p.now)} {...out}>
          {row.title}
        </a>
      </h1>
      <When row={row} />
      {row.status === "cancelled" ? <p class="flag">This event was cancelled.</p> : null}
      {row.summary ? <p class="summary">{markdownToText(row.summary, { links: false })}</p> : null}
      <People speakers={rel.speakers} />
      <p class="more">
        <a href={pageOf(p.config, row, p.now)} {...out}>
          {past ? "Watch and read more in the archive" : `Register on ${p.config.ORG_NAME}'s events site`}
        </a>
      </p>
    </EmbedDocument>
  );
}

/** What a frame shows for a topic or event that does not exist (with a 404). */
export function EmbedNotFound(p: { what: string; config: Config; theme: Theme }) {
  return (
    <EmbedDocument title={`Not found | ${p.config.ORG_NAME}`} theme={p.theme}>
      <p class="empty">{`We could not find this ${p.what}.`}</p>
      <p class="more">
        <a href={`${p.config.PUBLIC_URL}/`} {...out}>
          See upcoming events
        </a>
      </p>
    </EmbedDocument>
  );
}
