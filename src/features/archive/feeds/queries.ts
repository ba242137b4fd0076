import { and, desc, eq, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { events, eventTopics, recordings, topics } from "../../../db/schema.js";
import { type EventRow, loadRelations, type Relations } from "../../events/index.js";
import type { RecordingRow } from "../library/queries.js";

/**
 * What the archive feeds hold: published recordings of published events that have ended,
 * newest first. Every request asks one aggregate query whether that changed:
 * (count, sums and max of updated_at over the recordings, sum of the events' revisions, max
 * of their updated_at). A recording's edit, publication or removal moves its row or the
 * count; an event's edit (and a rename of a linked topic or person, see events/touch.ts)
 * moves its revision; an event entering the feed by ending changes the count.
 */

export const FEED_SIZE = 50;

const member = (now: Date) =>
  and(eq(recordings.published, true), eq(events.status, "published"), lte(events.endsAt, now));

/** When an item was published: the recording's publication, or its creation if never stamped. */
export const publishedAtSql = sql<number>`coalesce(${recordings.publishedAt}, ${recordings.createdAt})`;

const aggregates = {
  n: sql<number>`count(${recordings.id})`,
  ru: sql<number>`coalesce(sum(${recordings.updatedAt}), 0)`,
  rm: sql<number | null>`max(${recordings.updatedAt})`,
  er: sql<number>`coalesce(sum(${events.revision}), 0)`,
  em: sql<number | null>`max(${events.updatedAt})`,
};

const join = (...parts: unknown[]) =>
  parts.map((p) => (p === null || p === undefined ? "-" : String(p))).join(".");

const inTopic = (topicId: string): SQL =>
  inArray(
    events.id,
    sql`(SELECT ${eventTopics.eventId} FROM ${eventTopics} WHERE ${eventTopics.topicId} = ${topicId})`,
  );

export async function findFeedTopic(db: Db, slug: string) {
  const [t] = await db
    .select({ id: topics.id, slug: topics.slug, name: topics.name, updatedAt: topics.updatedAt })
    .from(topics)
    .where(eq(topics.slug, slug))
    .limit(1);
  return t;
}

/** The fingerprint of a feed's content: the whole archive, or one topic's (found by slug). */
export async function feedVersion(db: Db, now: Date, topicSlug?: string) {
  if (!topicSlug) {
    const [r] = await db
      .select(aggregates)
      .from(recordings)
      .innerJoin(events, eq(events.id, recordings.eventId))
      .where(member(now));
    return { fingerprint: join(r?.n, r?.ru, r?.rm, r?.er, r?.em) };
  }
  // One statement for the topic and its aggregates, so an unknown topic costs no more.
  const [r] = await db
    .select({ topicId: topics.id, topicUpdated: sql<number>`${topics.updatedAt}`, ...aggregates })
    .from(topics)
    .leftJoin(eventTopics, eq(eventTopics.topicId, topics.id))
    .leftJoin(
      events,
      and(eq(events.id, eventTopics.eventId), eq(events.status, "published"), lte(events.endsAt, now)),
    )
    .leftJoin(recordings, and(eq(recordings.eventId, events.id), eq(recordings.published, true)))
    .where(eq(topics.slug, topicSlug))
    .groupBy(topics.id);
  if (!r) return null;
  return { fingerprint: join(r.n, r.ru, r.rm, r.er, r.em, r.topicUpdated) };
}

export interface FeedItem {
  recording: RecordingRow;
  event: EventRow;
  rel: Relations;
  publishedAt: Date;
}

/** The newest FEED_SIZE items, with their events' topics and speakers (three more queries). */
export async function loadFeedItems(db: Db, now: Date, topicId?: string): Promise<FeedItem[]> {
  const rows = await db
    .select({ recording: recordings, event: events, at: publishedAtSql })
    .from(recordings)
    .innerJoin(events, eq(events.id, recordings.eventId))
    .where(and(member(now), topicId ? inTopic(topicId) : undefined))
    .orderBy(desc(publishedAtSql), desc(recordings.id))
    .limit(FEED_SIZE);
  const rel = await loadRelations(db, [...new Set(rows.map((r) => r.event.id))]);
  return rows.map((r) => ({
    recording: r.recording,
    event: r.event,
    rel: rel.get(r.event.id)!,
    publishedAt: new Date(Number(r.at)),
  }));
}
