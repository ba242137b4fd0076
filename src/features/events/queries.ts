import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { eventBriefs, eventPeople, events, eventTopics } from "../../db/schema.js";
import { invalidField } from "../../lib/problem.js";
import { isInstantMs } from "../../lib/time.js";
import { briefCard } from "../briefs/index.js";
import { personCard } from "../people/index.js";
import { topicCard, topicIdOfSlug, topicSortKey } from "../topics/index.js";

export type EventRow = typeof events.$inferSelect;
export type EventStatus = EventRow["status"];

export interface Relations {
  topics: { slug: string; name: string }[];
  speakers: {
    slug: string;
    name: string;
    title: string | null;
    affiliation: string | null;
    photoUrl: string | null;
    role: "speaker" | "moderator" | "host";
  }[];
  briefs: {
    slug: string;
    title: string;
    kind: string;
    url: string | null;
    publishedOn: string | null;
    relation: "background_reading" | "published_after" | "transcript_of";
  }[];
}

/** Ids look like evt_...; slugs never contain "_", so one parameter can take either. */
export async function findEvent(db: Db, idOrSlug: string): Promise<EventRow | undefined> {
  const column = idOrSlug.startsWith("evt_") ? events.id : events.slug;
  const [row] = await db.select().from(events).where(eq(column, idOrSlug)).limit(1);
  return row;
}

// The event and its relations as ONE JSON text column built by SQLite. Reading a page is
// then a single statement with narrow rows: on libsql every extra column and statement
// costs more than building the JSON in C does, and on D1 every statement is a round trip.
const INSTANTS = new Set([
  "startsAt",
  "endsAt",
  "registrationOpensAt",
  "registrationClosesAt",
  "createdAt",
  "updatedAt",
  "publishedAt",
  "cancelledAt",
]);
const eventFields = Object.entries(getTableColumns(events)).map(
  ([key, column]) => sql`${sql.raw(`'${key}'`)}, ${column}`,
);
// Cards of linked topics, people and briefs come from their owners' fragments (one primary-key
// lookup each); json() keeps each card an object inside the array.
const linkedTopics = sql`json((SELECT json_group_array(json(${topicCard(sql`x.topic_id`)})) FROM
    (SELECT et.topic_id FROM event_topics et WHERE et.event_id = "events"."id"
     ORDER BY ${topicSortKey(sql`et.topic_id`)}) x))`;
const linkedPeople = sql`json((SELECT json_group_array(json_set(${personCard(sql`x.person_id`)}, '$.role', x.role)) FROM
    (SELECT ep.person_id, ep.role FROM event_people ep WHERE ep.event_id = "events"."id" ORDER BY ep.position) x))`;
const linkedBriefs = sql`json((SELECT json_group_array(json_set(${briefCard(sql`x.brief_id`)}, '$.relation', x.relation)) FROM
    (SELECT eb.brief_id, eb.relation FROM event_briefs eb WHERE eb.event_id = "events"."id" ORDER BY eb.position) x))`;
const relationFields = sql`'topics', ${linkedTopics}, 'speakers', ${linkedPeople}, 'briefs', ${linkedBriefs}`;
const eventDoc = sql<string>`json_object(${sql.join(eventFields, sql`, `)}, ${relationFields})`;

export interface EventWithRelations {
  row: EventRow;
  rel: Relations;
}

function fromDoc(doc: string): EventWithRelations {
  const {
    topics: t,
    speakers,
    briefs: b,
    ...fields
  } = JSON.parse(doc) as Record<string, unknown> & Relations;
  const row = Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, INSTANTS.has(k) && v !== null ? new Date(v as number) : v]),
  ) as unknown as EventRow;
  row.waitlist = Boolean(row.waitlist);
  // A JSON text column arrives inside json_object() as a string.
  if (typeof row.questions === "string") row.questions = JSON.parse(row.questions);
  if (typeof row.reminders === "string") row.reminders = JSON.parse(row.reminders);
  return { row, rel: { topics: t, speakers, briefs: b } };
}

/**
 * Events with their topics, speakers and briefs as one statement for a caller's batch: a `doc`
 * column per event whose id the subquery `ids` gives; eventFromDoc reads each. Batched, the read
 * costs no round trip of its own (on D1 each one does).
 */
export const eventDocs = (ids: SQL) =>
  sql`SELECT ${eventDoc} AS doc FROM ${events} WHERE ${events.id} IN (${ids})`;
export const eventFromDoc = (doc: string): EventWithRelations => fromDoc(doc);

/** An event with its topics, speakers and briefs in one statement. */
export async function findEventWithRelations(
  db: Db,
  idOrSlug: string,
): Promise<EventWithRelations | undefined> {
  const column = idOrSlug.startsWith("evt_") ? events.id : events.slug;
  const [hit] = await db.select({ doc: eventDoc }).from(events).where(eq(column, idOrSlug)).limit(1);
  return hit ? fromDoc(hit.doc) : undefined;
}

/** Topics, speakers and briefs of many events in three queries, in display order. */
export async function loadRelations(db: Db, eventIds: string[]): Promise<Map<string, Relations>> {
  const out = new Map<string, Relations>(
    eventIds.map((id) => [id, { topics: [], speakers: [], briefs: [] }]),
  );
  if (eventIds.length === 0) return out;
  const [topicRows, speakerRows, briefRows] = await Promise.all([
    db
      .select({ eventId: eventTopics.eventId, card: sql<string>`${topicCard(sql`${eventTopics.topicId}`)}` })
      .from(eventTopics)
      .where(inArray(eventTopics.eventId, eventIds))
      .orderBy(topicSortKey(sql`${eventTopics.topicId}`)),
    db
      .select({
        eventId: eventPeople.eventId,
        card: sql<string>`${personCard(sql`${eventPeople.personId}`)}`,
        role: eventPeople.role,
      })
      .from(eventPeople)
      .where(inArray(eventPeople.eventId, eventIds))
      .orderBy(asc(eventPeople.position)),
    db
      .select({
        eventId: eventBriefs.eventId,
        card: sql<string>`${briefCard(sql`${eventBriefs.briefId}`)}`,
        relation: eventBriefs.relation,
      })
      .from(eventBriefs)
      .where(inArray(eventBriefs.eventId, eventIds))
      .orderBy(asc(eventBriefs.position)),
  ]);
  const parse = <T>(card: string, extra: object) => ({ ...JSON.parse(card), ...extra }) as T;
  for (const { eventId, card } of topicRows) out.get(eventId)?.topics.push(parse(card, {}));
  for (const { eventId, card, role } of speakerRows) out.get(eventId)?.speakers.push(parse(card, { role }));
  for (const { eventId, card, relation } of briefRows)
    out.get(eventId)?.briefs.push(parse(card, { relation }));
  return out;
}
export interface ListFilter {
  when: "upcoming" | "past" | "all";
  statuses: EventStatus[];
  topic?: string;
  now: Date;
  limit: number;
  cursor?: string;
}

type Cursor = { s: number; i: string };

export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify([c.s, c.i]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

function decodeCursor(raw: string): Cursor {
  try {
    const [s, i] = JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/"))) as [unknown, unknown];
    if (isInstantMs(s) && typeof i === "string" && i.length <= 100) return { s, i };
  } catch {
    // fall through to the problem below
  }
  throw invalidField("cursor", "is not a cursor returned by this API");
}

/**
 * Keyset pagination on (starts_at, id): a page boundary is a position in the order, not an
 * offset, so events inserted while someone pages never cause repeats or skips.
 */
export async function listEvents(
  db: Db,
  f: ListFilter,
): Promise<{ items: EventWithRelations[]; nextCursor: string | null }> {
  const ascending = f.when === "upcoming";
  const conditions: (SQL | undefined)[] = [inArray(events.status, f.statuses)];
  if (f.when === "upcoming") conditions.push(gt(events.endsAt, f.now));
  if (f.when === "past") conditions.push(lte(events.endsAt, f.now));
  if (f.topic) {
    conditions.push(
      inArray(
        events.id,
        db
          .select({ id: eventTopics.eventId })
          .from(eventTopics)
          .where(eq(eventTopics.topicId, topicIdOfSlug(f.topic))),
      ),
    );
  }
  if (f.cursor) {
    const c = decodeCursor(f.cursor);
    const at = new Date(c.s);
    conditions.push(
      ascending
        ? or(gt(events.startsAt, at), and(eq(events.startsAt, at), gt(events.id, c.i)))
        : or(lt(events.startsAt, at), and(eq(events.startsAt, at), lt(events.id, c.i))),
    );
  }
  const order = ascending ? [asc(events.startsAt), asc(events.id)] : [desc(events.startsAt), desc(events.id)];
  const docs = await db
    .select({ doc: eventDoc })
    .from(events)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(f.limit + 1);
  const page = docs.slice(0, f.limit).map((d) => fromDoc(d.doc));
  const last = page.at(-1)?.row;
  return {
    items: page,
    nextCursor:
      docs.length > f.limit && last ? encodeCursor({ s: last.startsAt.getTime(), i: last.id }) : null,
  };
}
