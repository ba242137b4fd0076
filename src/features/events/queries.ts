import { and, asc, desc, eq, gt, inArray, lt, lte, or, type SQL } from "drizzle-orm";
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
): Promise<{ rows: EventRow[]; nextCursor: string | null }> {
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
  const rows = await db
    .select()
    .from(events)
    .where(and(...conditions))
    .orderBy(...order)
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    rows: page,
    nextCursor:
      rows.length > f.limit && last ? encodeCursor({ s: last.startsAt.getTime(), i: last.id }) : null,
  };
}
