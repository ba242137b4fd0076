import { sql } from "drizzle-orm";
import { z } from "zod";
import { sqlAll } from "../../../db/batch.js";
import type { Db } from "../../../db/client.js";
import { isoUtc } from "../../../lib/time.js";
import { briefAuthorRows, briefTopicRows } from "../../briefs/index.js";
import { eventBriefRows, eventPersonRows, eventRows, eventTopicRows } from "../../events/index.js";

type Relation = "background_reading" | "published_after" | "transcript_of";

/** An event as a brief page or an event page lists it beside other content. */
export interface RelatedEvent {
  slug: string;
  title: string;
  summary: string | null;
  format: string;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  /** The explicit link from the event to the brief, or null when related through topics/people. */
  relation: Relation | null;
  sharedTopics: number;
  sharedPeople: number;
  hasRecording: boolean;
}

/** The documented JSON shape of a RelatedEvent. */
export const RelatedEventOut = z.object({
  slug: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  format: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  timeZone: z.string(),
  relation: z
    .enum(["background_reading", "published_after", "transcript_of"])
    .nullable()
    .describe("The explicit link, or null when related through shared topics or people"),
  sharedTopics: z.number(),
  sharedPeople: z.number(),
  hasRecording: z.boolean().describe("A published recording exists"),
});

interface Row {
  slug: string;
  title: string;
  summary: string | null;
  format: string;
  starts_at: number;
  ends_at: number;
  time_zone: string;
  relation: Relation | null;
  shared_topics: number;
  shared_people: number;
  has_recording: number;
}

const toView = (r: Row): RelatedEvent => ({
  slug: r.slug,
  title: r.title,
  summary: r.summary,
  format: r.format,
  startsAt: isoUtc(new Date(Number(r.starts_at))),
  endsAt: isoUtc(new Date(Number(r.ends_at))),
  timeZone: r.time_zone,
  relation: r.relation,
  sharedTopics: Number(r.shared_topics),
  sharedPeople: Number(r.shared_people),
  hasRecording: Boolean(Number(r.has_recording)),
});

const hasRecording = sql.raw(
  "EXISTS (SELECT 1 FROM recordings r WHERE r.event_id = ev.id AND r.published = 1) AS has_recording",
);

/**
 * Published events related to a brief, in one statement: first the events linked to it
 * explicitly (event_briefs; an event linked twice shows its first relation in the order
 * transcript_of, background_reading, published_after), newest first; then events that share
 * topics or people with it (its authors as speakers, moderators or hosts), ranked by
 * shared topics + 2 x shared people, newest first. At most `limit` in all.
 */
export async function relatedEventsForBrief(db: Db, briefId: string, limit = 10): Promise<RelatedEvent[]> {
  const rows = await sqlAll<Row>(
    db,
    sql`WITH
      ex AS (SELECT event_id AS id, min(CASE relation WHEN 'transcript_of' THEN 0
               WHEN 'background_reading' THEN 1 ELSE 2 END) AS rank
             FROM ${eventBriefRows} WHERE brief_id = ${briefId} GROUP BY event_id),
      st AS (SELECT event_id AS id, count(*) AS n FROM ${eventTopicRows}
             WHERE topic_id IN (SELECT topic_id FROM ${briefTopicRows} WHERE brief_id = ${briefId})
             GROUP BY event_id),
      sp AS (SELECT event_id AS id, count(DISTINCT person_id) AS n FROM ${eventPersonRows}
             WHERE person_id IN (SELECT person_id FROM ${briefAuthorRows} WHERE brief_id = ${briefId})
             GROUP BY event_id),
      candidates AS (SELECT id FROM ex UNION SELECT id FROM st UNION SELECT id FROM sp)
    SELECT ev.slug, ev.title, ev.summary, ev.format, ev.starts_at, ev.ends_at, ev.time_zone,
      CASE ex.rank WHEN 0 THEN 'transcript_of' WHEN 1 THEN 'background_reading'
        WHEN 2 THEN 'published_after' END AS relation,
      coalesce(st.n, 0) AS shared_topics, coalesce(sp.n, 0) AS shared_people, ${hasRecording}
    FROM candidates c JOIN ${eventRows} ON ev.id = c.id
      LEFT JOIN ex ON ex.id = ev.id LEFT JOIN st ON st.id = ev.id LEFT JOIN sp ON sp.id = ev.id
    WHERE ev.status = 'published'
    ORDER BY ex.id IS NULL,
      CASE WHEN ex.id IS NULL THEN coalesce(st.n, 0) + 2 * coalesce(sp.n, 0) ELSE 0 END DESC,
      ev.starts_at DESC, ev.id DESC
    LIMIT ${limit}`,
  );
  return rows.map(toView);
}

/**
 * Past published events (ended by `now`) sharing topics with the given event, itself excluded,
 * ranked by the number of shared topics, newest first. `now` is required because "past" is
 * relative to the injected clock (deps.clock.now()), never the system time.
 */
export async function moreOnThisTopic(
  db: Db,
  eventId: string,
  limit: number,
  now: Date,
): Promise<RelatedEvent[]> {
  const rows = await sqlAll<Row>(
    db,
    sql`WITH st AS (
        SELECT ev_topics.event_id AS id, count(*) AS n FROM ${eventTopicRows}
        WHERE ev_topics.topic_id IN (SELECT topic_id FROM ${eventTopicRows} WHERE event_id = ${eventId})
          AND ev_topics.event_id <> ${eventId}
        GROUP BY ev_topics.event_id)
    SELECT ev.slug, ev.title, ev.summary, ev.format, ev.starts_at, ev.ends_at, ev.time_zone,
      NULL AS relation, st.n AS shared_topics, 0 AS shared_people, ${hasRecording}
    FROM st JOIN ${eventRows} ON ev.id = st.id
    WHERE ev.status = 'published' AND ev.ends_at <= ${now.getTime()}
    ORDER BY st.n DESC, ev.starts_at DESC, ev.id DESC
    LIMIT ${limit}`,
  );
  return rows.map(toView);
}
