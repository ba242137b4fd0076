import { and, asc, desc, eq, gt, inArray, lte, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import {
  briefs,
  type eventBriefs,
  eventPeople,
  events,
  eventTopics,
  people,
  recordingChapters,
  recordings,
  topics,
} from "../../../db/schema.js";
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
const hasRecording = sql<number>`exists(SELECT 1 FROM recordings r WHERE r.event_id = "events"."id" AND r.published = 1)`;
const cardColumns = {
  id: events.id,
  slug: events.slug,
  title: events.title,
  summary: events.summary,
  startsAt: events.startsAt,
  endsAt: events.endsAt,
  timeZone: events.timeZone,
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
const published = eq(events.status, "published");
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
        briefSlug: briefs.slug,
        briefTitle: briefs.title,
      })
      .from(recordingChapters)
      .leftJoin(briefs, eq(briefs.id, recordingChapters.briefId))
      .where(
        inArray(recordingChapters.recordingId, db.select({ id: recordings.id }).from(recordings).where(mine)),
      )
      .orderBy(asc(recordingChapters.recordingId), asc(recordingChapters.position)),
  ]);
  return { recordings: rows, chapters: chapters as Chapter[] };
}

/** Published events matching `where`, upcoming (soonest first) and past (newest first). */
async function upcomingAndPast(db: Db, where: SQL, now: Date, limit: number) {
  const [upcoming, past] = await Promise.all([
    db
      .select(cardColumns)
      .from(events)
      .where(and(published, gt(events.endsAt, now), where))
      .orderBy(asc(events.startsAt), asc(events.id))
      .limit(limit),
    db
      .select(cardColumns)
      .from(events)
      .where(and(published, lte(events.endsAt, now), where))
      .orderBy(desc(events.startsAt), desc(events.id))
      .limit(limit + 1),
  ]);
  return {
    upcoming: upcoming.map(toCard),
    past: past.slice(0, limit).map(toCard),
    morePast: past.length > limit,
  };
}

export async function findTopic(db: Db, slug: string) {
  const [row] = await db.select().from(topics).where(eq(topics.slug, slug)).limit(1);
  return row;
}

export function topicEvents(db: Db, topicId: string, now: Date, limit = 20) {
  const linked = db
    .select({ id: eventTopics.eventId })
    .from(eventTopics)
    .where(eq(eventTopics.topicId, topicId));
  return upcomingAndPast(db, inArray(events.id, linked), now, limit);
}

export async function findPerson(db: Db, slug: string) {
  const [row] = await db.select().from(people).where(eq(people.slug, slug)).limit(1);
  return row;
}

export function personEvents(db: Db, personId: string, now: Date, limit = 20) {
  const linked = db
    .select({ id: eventPeople.eventId })
    .from(eventPeople)
    .where(eq(eventPeople.personId, personId));
  return upcomingAndPast(db, inArray(events.id, linked), now, limit);
}

export type Relation = (typeof eventBriefs.$inferSelect)["relation"];
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
