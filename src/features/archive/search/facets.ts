import { and, eq, lte, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { events } from "../../../db/schema.js";

export interface Facets {
  topics: { slug: string; name: string }[];
  people: { slug: string; name: string }[];
  /** Newest first; every year between the first and the last past event. */
  years: number[];
}

/**
 * The choices of the /archive filter form, from past published events only, in one statement
 * (an aggregate always returns its one row, also over an empty archive).
 */
export async function archiveFacets(db: Db, now: Date): Promise<Facets> {
  const past = sql`e.status = 'published' AND e.ends_at <= ${now.getTime()}`;
  const [row] = await db
    .select({
      first: sql<number | null>`min(${events.startsAt})`,
      last: sql<number | null>`max(${events.startsAt})`,
      topics: sql<string>`(SELECT json_group_array(json_object('slug', x.slug, 'name', x.name)) FROM
        (SELECT DISTINCT t.slug, t.name FROM topics t JOIN event_topics et ON et.topic_id = t.id
         JOIN events e ON e.id = et.event_id WHERE ${past} ORDER BY t.name) x)`,
      people: sql<string>`(SELECT json_group_array(json_object('slug', x.slug, 'name', x.name)) FROM
        (SELECT DISTINCT p.slug, p.name FROM people p JOIN event_people ep ON ep.person_id = p.id
         JOIN events e ON e.id = ep.event_id WHERE ${past} ORDER BY p.name) x)`,
    })
    .from(events)
    .where(and(eq(events.status, "published"), lte(events.endsAt, now)));
  const years: number[] = [];
  if (row?.first != null && row.last != null) {
    // Local years can differ from UTC ones by a day at either end of the range.
    const DAY = 86_400_000;
    const from = new Date(Number(row.first) - DAY).getUTCFullYear();
    for (let y = new Date(Number(row.last) + DAY).getUTCFullYear(); y >= from; y--) years.push(y);
  }
  return {
    topics: row ? JSON.parse(row.topics) : [],
    people: row ? JSON.parse(row.people) : [],
    years,
  };
}
