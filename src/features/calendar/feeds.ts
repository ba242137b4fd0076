import type { Deps } from "../../deps.js";
import { findEventWithRelations } from "../events/index.js";
import { feedCache } from "./feed-cache.js";
import { fingerprint, loadEvents, loadTopic, type Version } from "./feed-queries.js";
import { buildCalendar } from "./ics.js";

/**
 * The public calendars (and registrations' personal feeds) as specs the HTTP layer serves the same way: a cache key, the cheap
 * version read, and the costly render (which reports the fingerprint of the data it read).
 */
export interface CalendarSpec {
  key: string;
  what: string;
  filename: string;
  cacheControl: string;
  /** The one query every request makes; null: 404. */
  version(): Promise<Version | null>;
  /** When members last left the feed by age (after version(); for Last-Modified). */
  departed(): Promise<number | null>;
  render(): Promise<{ body: string; fingerprint: string }>;
}

const PUBLIC = "public, max-age=300";
const REFRESH_MINUTES = 60;

export function allEventsCalendar(deps: Deps): CalendarSpec {
  const { db, config, clock } = deps;
  const now = clock.now();
  return {
    key: "all",
    what: "Calendar",
    filename: "calendar.ics",
    cacheControl: PUBLIC,
    version: () => feedCache(db).queries.allEvents(now),
    departed: () => feedCache(db).queries.allEventsLeft(now),
    async render() {
      const { items, parts } = await loadEvents(db, now);
      const body = buildCalendar({
        name: `${config.ORG_NAME} events`,
        description: `Events of ${config.ORG_NAME}: upcoming and the last 30 days.`,
        method: "PUBLISH",
        events: items,
        config,
        timeZone: config.DEFAULT_TIME_ZONE,
        refreshMinutes: REFRESH_MINUTES,
        transparent: true,
      });
      return { body, fingerprint: fingerprint(parts) };
    },
  };
}

export function topicCalendar(deps: Deps, slug: string): CalendarSpec {
  const { db, config, clock } = deps;
  const now = clock.now();
  return {
    key: `topic:${slug}`,
    what: "Topic",
    filename: `${slug}.ics`,
    cacheControl: PUBLIC,
    version: () => feedCache(db).queries.topicEvents(slug, now),
    departed: () => feedCache(db).queries.topicEventsLeft(slug, now),
    async render() {
      const [topic, { items, parts }] = await Promise.all([loadTopic(db, slug), loadEvents(db, now, slug)]);
      const name = topic?.name ?? slug;
      const body = buildCalendar({
        name: `${config.ORG_NAME}: ${name}`,
        description: `Events of ${config.ORG_NAME} on ${name}: upcoming and the last 30 days.`,
        method: "PUBLISH",
        events: items,
        config,
        timeZone: config.DEFAULT_TIME_ZONE,
        refreshMinutes: REFRESH_MINUTES,
        transparent: true,
      });
      return { body, fingerprint: fingerprint([...parts, topic?.updatedAt.getTime()]) };
    },
  };
}

/** One event (`/events/{slug}.ics`): published or cancelled, never a draft; kept after cancellation. */
export function eventCalendar(deps: Deps, idOrSlug: string): CalendarSpec {
  const { db, config } = deps;
  let id = "";
  return {
    // Known once version() has found the event (the URL may name it by slug or by id).
    get key() {
      return `event:${id}`;
    },
    what: "Event",
    filename: `${idOrSlug}.ics`,
    cacheControl: PUBLIC,
    async version() {
      const v = await feedCache(db).queries.event(idOrSlug);
      if (!v || v.status === "draft") return null;
      id = v.id;
      return { fingerprint: fingerprint([v.revision]), last: v.updatedAt };
    },
    departed: async () => null,
    async render() {
      const found = await findEventWithRelations(db, id);
      if (!found || found.row.status === "draft") return { body: "", fingerprint: "gone" };
      const body = buildCalendar({
        name: found.row.title,
        method: "PUBLISH",
        events: [found],
        config,
        timeZone: found.row.timeZone,
      });
      return { body, fingerprint: fingerprint([found.row.revision]) };
    },
  };
}
