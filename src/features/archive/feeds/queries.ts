import { and, desc, eq, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { recordings } from "../../../db/schema.js";
import {
  type EventRow,
  eventRows as e,
  eventTopicRows as et,
  loadFeedRows,
  loadRelations,
  type Relations,
} from "../../events/index.js";
import { findTopic } from "../../topics/index.js";
import type { RecordingRow } from "../library/queries.js";

/**
 * What the archive feeds hold: published recordings of published events that have ended,
 * newest first. Every request asks one aggregate query (after the topic's row, for a topic's
 * feed) whether that changed:
 * (count, sums and max of updated_at over the recordings, sum of the events' revisions, max
 * of their updated_at). A recording's edit, publication or removal moves its row or the
 * count; an event's edit (and a rename of a linked topic or person, see events/touch.ts)
 * moves its revision; an event entering the feed by ending changes the count.
 */

export const FEED_SIZE = 50;

const member = (now: Date) =>
  and(eq(recordings.published, true), eq(e.status, "published"), lte(e.endsAt, now));

/** When an item was published: the recording's publication, or its creation if never stamped. */
export const publishedAtSql = sql<number>`coalesce(${recordings.publishedAt}, ${recordings.createdAt})`;

const aggregates = {
  n: sql<number>`count(${recordings.id})`,
  ru: sql<number>`coalesce(sum(${recordings.updatedAt}), 0)`,
  rm: sql<number | null>`max(${recordings.updatedAt})`,
  er: sql<number>`coalesce(sum(${e.revision}), 0)`,
  em: sql<number | null>`max(${e.updatedAt})`,
};

const join = (...parts: unknown[]) =>
  parts.map((p) => (p === null || p === undefined ? "-" : String(p))).join(".");

const inTopic = (topicId: string): SQL =>
  inArray(e.id, sql`(SELECT ${et.eventId} FROM ${et} WHERE ${et.topicId} = ${topicId})`);

export const findFeedTopic = findTopic;

/** The fingerprint of a feed's content: the whole archive, or one topic's (found by slug). */
export async function feedVersion(db: Db, now: Date, topicSlug?: string) {
  const topic = topicSlug ? await findTopic(db, topicSlug) : undefined;
  if (topicSlug && !topic) return null;
  const [r] = await db
    .select(aggregates)
    .from(recordings)
    .innerJoin(e, eq(e.id, recordings.eventId))
    .where(and(member(now), topic ? inTopic(topic.id) : undefined));
  return { fingerprint: join(r?.n, r?.ru, r?.rm, r?.er, r?.em, topic?.updatedAt.getTime()) };
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
    .select({ recording: recordings, at: publishedAtSql })
    .from(recordings)
    .innerJoin(e, eq(e.id, recordings.eventId))
    .where(and(member(now), topicId ? inTopic(topicId) : undefined))
    .orderBy(desc(publishedAtSql), desc(recordings.id))
    .limit(FEED_SIZE);
  const ids = [...new Set(rows.map((r) => r.recording.eventId))];
  const [events, rel] = await Promise.all([loadFeedRows(db, ids), loadRelations(db, ids)]);
  const byId = new Map(events.map((ev) => [ev.id, ev]));
  return rows.map((r) => ({
    recording: r.recording,
    event: byId.get(r.recording.eventId)!,
    rel: rel.get(r.recording.eventId)!,
    publishedAt: new Date(Number(r.at)),
  }));
}
