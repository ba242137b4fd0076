import { sql } from "drizzle-orm";
import { sqlAll } from "../../../db/batch.js";
import type { Db } from "../../../db/client.js";
import { eventRows as e, eventPersonRows as ep, eventTopicRows as et } from "../../events/index.js";
import { personRows as p } from "../../people/index.js";
import { topicRows as t } from "../../topics/index.js";

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
  const past = sql`${e.status} = 'published' AND ${e.endsAt} <= ${now.getTime()}`;
  const [row] = await sqlAll<{ first: number | null; last: number | null; topics: string; people: string }>(
    db,
    sql`SELECT min(${e.startsAt}) AS first, max(${e.startsAt}) AS last,
      (SELECT json_group_array(json_object('slug', x.slug, 'name', x.name)) FROM
        (SELECT DISTINCT ${t.slug} AS slug, ${t.name} AS name FROM ${t} JOIN ${et} ON ${et.topicId} = ${t.id}
         JOIN ${e} ON ${e.id} = ${et.eventId} WHERE ${past} ORDER BY ${t.name}) x) AS topics,
      (SELECT json_group_array(json_object('slug', x.slug, 'name', x.name)) FROM
        (SELECT DISTINCT ${p.slug} AS slug, ${p.name} AS name FROM ${p} JOIN ${ep} ON ${ep.personId} = ${p.id}
         JOIN ${e} ON ${e.id} = ${ep.eventId} WHERE ${past} ORDER BY ${p.name}) x) AS people
    FROM ${e} WHERE ${past}`,
  );
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
