import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, lte, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { briefs, eventBriefs, eventPeople, events, eventTopics, people, topics } from "../../db/schema.js";
import { invalidField } from "../../lib/problem.js";

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
const relationFields = sql.raw(`
  'topics', json((SELECT json_group_array(json_object('slug', x.slug, 'name', x.name)) FROM
    (SELECT t.slug, t.name FROM event_topics et JOIN topics t ON t.id = et.topic_id
     WHERE et.event_id = "events"."id" ORDER BY t.name) x)),
  'speakers', json((SELECT json_group_array(json_object('slug', x.slug, 'name', x.name, 'title', x.title,
      'affiliation', x.affiliation, 'photoUrl', x.photo_url, 'role', x.role)) FROM
    (SELECT p.slug, p.name, p.title, p.affiliation, p.photo_url, ep.role FROM event_people ep
     JOIN people p ON p.id = ep.person_id WHERE ep.event_id = "events"."id" ORDER BY ep.position) x)),
  'briefs', json((SELECT json_group_array(json_object('slug', x.slug, 'title', x.title, 'kind', x.kind,
      'url', x.url, 'publishedOn', x.published_on, 'relation', x.relation)) FROM
    (SELECT b.slug, b.title, b.kind, b.url, b.published_on, eb.relation FROM event_briefs eb
     JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = "events"."id" ORDER BY eb.position) x))`);
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
      .select({ eventId: eventTopics.eventId, slug: topics.slug, name: topics.name })
      .from(eventTopics)
      .innerJoin(topics, eq(topics.id, eventTopics.topicId))
      .where(inArray(eventTopics.eventId, eventIds))
      .orderBy(asc(topics.name)),
    db
      .select({
        eventId: eventPeople.eventId,
        slug: people.slug,
        name: people.name,
        title: people.title,
        affiliation: people.affiliation,
        photoUrl: people.photoUrl,
        role: eventPeople.role,
      })
      .from(eventPeople)
      .innerJoin(people, eq(people.id, eventPeople.personId))
      .where(inArray(eventPeople.eventId, eventIds))
      .orderBy(asc(eventPeople.position)),
    db
      .select({
        eventId: eventBriefs.eventId,
        slug: briefs.slug,
        title: briefs.title,
        kind: briefs.kind,
        url: briefs.url,
        publishedOn: briefs.publishedOn,
        relation: eventBriefs.relation,
      })
      .from(eventBriefs)
      .innerJoin(briefs, eq(briefs.id, eventBriefs.briefId))
      .where(inArray(eventBriefs.eventId, eventIds))
      .orderBy(asc(eventBriefs.position)),
  ]);
  for (const { eventId, ...t } of topicRows) out.get(eventId)?.topics.push(t);
  for (const { eventId, ...s } of speakerRows) out.get(eventId)?.speakers.push(s);
  for (const { eventId, ...b } of briefRows) out.get(eventId)?.briefs.push(b);
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
    if (typeof s === "number" && typeof i === "string") return { s, i };
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
          .innerJoin(topics, eq(topics.id, eventTopics.topicId))
          .where(eq(topics.slug, f.topic)),
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
