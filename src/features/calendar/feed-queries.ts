import type { Db } from "../../db/client.js";
import {
  type EventFeedReads,
  type EventRow,
  eventFeedReads,
  eventsChangeCount,
  FEED_WINDOW_MS,
  type FeedEvent,
  type Kept,
  loadFeedEvents,
  stillHolds,
} from "../events/index.js";
import { findTopic } from "../topics/index.js";

/**
 * What each public feed's version is: the one cheap query per request that tells whether it
 * changed (events/feed-reads.ts reads the members; the fingerprint rules are written there).
 *
 * Last-Modified is the latest instant the content changed: the newest change of a member, or
 * the moment a member aged out of the window unchanged (its 30 days ran out after its last
 * write), or a registration's cancellation (personal feeds). That second, costlier query runs
 * only for full answers and If-Modified-Since, once per fingerprint (see FeedCache). An event
 * that leaves through a write (a topic removed, a reschedule to more than 30 days ago) changes
 * the ETag but not Last-Modified; If-None-Match, which calendar apps send, takes precedence.
 */
export const WINDOW_MS = FEED_WINDOW_MS;

export interface Version {
  /** Changes exactly when the rendered content would (together with the feed's key). */
  fingerprint: string;
  /** Epoch ms of the newest change of a member (or of the topic), null for an empty feed. */
  last: number | null;
}

export const fingerprint = (parts: (number | string | null | undefined)[]) =>
  parts.map((p) => (p === null || p === undefined ? "-" : String(p))).join(".");

export const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
export const latest = (...xs: (number | null)[]) =>
  xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.max(a, x)), null);

/** Version reads for one database handle. */
export class VersionQueries {
  private readonly reads: EventFeedReads;
  /**
   * The all-events version as last read, until the events change count moves or its first
   * member ages out: the members and their revisions are the same until then.
   */
  private allVersion: Kept<Version> | undefined;

  constructor(private readonly db: Db) {
    this.reads = eventFeedReads(db);
  }

  /**
   * The feed every calendar app polls. Its version aggregates over every member (500 events:
   * most of a 304's cost), so it is kept while the trigger-kept events count stays the same
   * and no member has aged out: one row read instead. The count is read first, so a version
   * kept is never older than the count it is kept under.
   */
  async allEvents(now: Date): Promise<Version> {
    const at = now.getTime();
    const count = await eventsChangeCount(this.db);
    if (stillHolds(this.allVersion, count, at)) return this.allVersion.value;
    const [r] = await this.reads.all.all({ since: at - WINDOW_MS });
    const version = { fingerprint: fingerprint([r?.n, r?.rev, r?.upd, num(r?.last)]), last: num(r?.last) };
    const validUntil = num(r?.nextOut) ?? Number.POSITIVE_INFINITY;
    this.allVersion = count === null ? undefined : { count, readAt: at, validUntil, value: version };
    return version;
  }

  async allEventsLeft(now: Date): Promise<number | null> {
    const [r] = await this.reads.allLeft.all({ now: now.getTime() });
    return num(r?.left);
  }

  async topicEvents(slug: string, now: Date): Promise<Version | null> {
    const [r] = await this.reads.topic.all({ slug, since: now.getTime() - WINDOW_MS });
    if (!r || r.topicUpdated === null) return null;
    return {
      fingerprint: fingerprint([r.n, r.rev, r.upd, num(r.last), num(r.topicUpdated)]),
      last: latest(num(r.last), num(r.topicUpdated)),
    };
  }

  async topicEventsLeft(slug: string, now: Date): Promise<number | null> {
    const [r] = await this.reads.topicLeft.all({ slug, now: now.getTime() });
    return num(r?.left);
  }

  event(idOrSlug: string) {
    return this.reads.event(idOrSlug);
  }
}

/**
 * The fingerprint parts of a list of members, the same as their version query's. `changedAt`
 * is a member's last change (a personal feed counts its registration's too).
 */
export function eventParts(
  rows: EventRow[],
  changedAt: (r: EventRow, i: number) => number = (r) => r.updatedAt.getTime(),
) {
  let last: number | null = null;
  rows.forEach((r, i) => {
    last = Math.max(last ?? 0, changedAt(r, i));
  });
  return [
    rows.length,
    rows.reduce((s, r) => s + r.revision, 0),
    rows.reduce((s, r) => s + r.updatedAt.getTime(), 0),
    last,
  ];
}

/** Members of /calendar.ics (or of a topic's feed), in start order, with the same fingerprint parts. */
export async function loadEvents(
  db: Db,
  now: Date,
  topicSlug?: string,
): Promise<{ items: FeedEvent[]; parts: (number | null)[] }> {
  const items = await loadFeedEvents(db, now, topicSlug);
  return { items, parts: eventParts(items.map((i) => i.row)) };
}

export const loadTopic = findTopic;
