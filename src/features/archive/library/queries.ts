import { and, asc, desc, eq, gt, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { type BRIEF_RELATIONS, recordingChapters, recordings } from "../../../db/schema.js";
import { briefRef } from "../../briefs/index.js";
import { eventRows as e, eventPersonRows as ep, eventTopicRows as et } from "../../events/index.js";
import type { RelatedEvent } from "./related.js";

/**
 * Reads of the library pages (archive entry, topic, person, brief). Each is one statement or
 * a few independent ones run together; none writes.
 */

export type RecordingRow = typeof recordings.$inferSelect;

export interface Chapter {
  recordingId: string;
  startSeconds: number;
  title: string;
  briefSlug: string | null;
  briefTitle: string | null;
}

/** An event as a line in a list: enough to link it, date it and say whether it has a recording. */
export interface EventCard {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  hasRecording: boolean;
}

// Written out: drizzle leaves columns unqualified in one-table selects, which a subquery would rebind.
const hasRecording = sql<number>`exists(SELECT 1 FROM recordings r WHERE r.event_id = "ev"."id" AND r.published = 1)`;
const cardColumns = {
  id: e.id,
  slug: e.slug,
  title: e.title,
  summary: e.summary,
  startsAt: e.startsAt,
  endsAt: e.endsAt,
  timeZone: e.timeZone,
  hasRecording,
};
type CardRow = Omit<EventCard, "hasRecording"> & { hasRecording: number | boolean };
const toCard = (r: CardRow): EventCard => ({
  id: r.id,
  slug: r.slug,
  title: r.title,
  summary: r.summary,
  startsAt: r.startsAt,
  endsAt: r.endsAt,
  timeZone: r.timeZone,
  hasRecording: Boolean(r.hasRecording),
});

/** Only published events are public; past means ended, as in listEvents. */
const published = eq(e.status, "published");
export const isPast = (endsAt: Date, now: Date) => endsAt.getTime() <= now.getTime();

/** The published recordings of an event, in display order, and their chapters. */
export async function publishedRecordings(db: Db, eventId: string) {
  const mine = and(eq(recordings.eventId, eventId), eq(recordings.published, true));
  const [rows, chapters] = await Promise.all([
    db
      .select()
      .from(recordings)
      .where(mine)
      .orderBy(asc(recordings.position), asc(recordings.createdAt), asc(recordings.id)),
    db
      .select({
        recordingId: recordingChapters.recordingId,
        startSeconds: recordingChapters.startSeconds,
        title: recordingChapters.title,
        brief: sql<string | null>`${briefRef(sql`${recordingChapters.briefId}`)}`,
      })
      .from(recordingChapters)
      .where(
        inArray(recordingChapters.recordingId, db.select({ id: recordings.id }).from(recordings).where(mine)),
      )
      .orderBy(asc(recordingChapters.recordingId), asc(recordingChapters.position)),
  ]);
  return {
    recordings: rows,
    chapters: chapters.map(({ brief, ...c }): Chapter => {
      const b = brief ? (JSON.parse(brief) as { slug: string; title: string }) : null;
      return { ...c, briefSlug: b?.slug ?? null, briefTitle: b?.title ?? null };
    }),
  };
}

/** Published events matching `where`, upcoming (soonest first) and past (newest first). */
async function upcomingAndPast(db: Db, where: SQL, now: Date, limit: number) {
  const [upcoming, past] = await Promise.all([
    db
      .select(cardColumns)
      .from(e)
      .where(and(published, gt(e.endsAt, now), where))
      .orderBy(asc(e.startsAt), asc(e.id))
      .limit(limit),
    db
      .select(cardColumns)
      .from(e)
      .where(and(published, lte(e.endsAt, now), where))
      .orderBy(desc(e.startsAt), desc(e.id))
      .limit(limit + 1),
  ]);
  return {
    upcoming: upcoming.map(toCard),
    past: past.slice(0, limit).map(toCard),
    morePast: past.length > limit,
  };
}

/**
 * Past published events with a published recording, newest first (the embeds' "recent
 * recordings"), optionally of one topic.
 */
export async function recordedEvents(db: Db, now: Date, limit: number, topicId?: string) {
  const linked = topicId
    ? inArray(e.id, db.select({ id: et.eventId }).from(et).where(eq(et.topicId, topicId)))
    : undefined;
  const rows = await db
    .select(cardColumns)
    .from(e)
    .where(and(published, lte(e.endsAt, now), sql`${hasRecording}`, linked))
    .orderBy(desc(e.startsAt), desc(e.id))
    .limit(limit);
  return rows.map(toCard);
}

export function topicEvents(db: Db, topicId: string, now: Date, limit = 20) {
  const linked = db.select({ id: et.eventId }).from(et).where(eq(et.topicId, topicId));
  return upcomingAndPast(db, inArray(e.id, linked), now, limit);
}

export function personEvents(db: Db, personId: string, now: Date, limit = 20) {
  const linked = db.select({ id: ep.eventId }).from(ep).where(eq(ep.personId, personId));
  return upcomingAndPast(db, inArray(e.id, linked), now, limit);
}

export type Relation = (typeof BRIEF_RELATIONS)[number];
export type RelatedCard = EventCard & { relation: Relation | null };

/** related.ts (shared with the API) speaks ISO strings; the pages want cards. */
export const relatedCard = (r: RelatedEvent): RelatedCard => ({
  id: r.slug,
  slug: r.slug,
  title: r.title,
  summary: r.summary,
  startsAt: new Date(r.startsAt),
  endsAt: new Date(r.endsAt),
  timeZone: r.timeZone,
  hasRecording: r.hasRecording,
  relation: r.relation,
});
