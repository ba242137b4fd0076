import { type SQL, sql } from "drizzle-orm";
import { briefRows as b, briefSlug } from "../../briefs/index.js";
import {
  eventRows as e,
  eventBriefRows as eb,
  eventPersonRows as ep,
  eventTopicRows as et,
} from "../../events/index.js";
import { personRows as p } from "../../people/index.js";
import { topicRows as t } from "../../topics/index.js";

/**
 * bm25 weights in the table's column order: title, summary, description, speakers, briefs,
 * chapters, topics. A word in the title counts ten times one in the description.
 */
export const score = sql<number>`bm25("archive_fts", 10.0, 2.0, 1.0, 4.0, 3.0, 2.0, 2.0)`;

/** Control characters cannot come from a form or JSON string the staff API accepts as text. */
export const MARK_OPEN = "\u0002";
export const MARK_CLOSE = "\u0003";

/** The best-matching fragment of any column (-1), about 16 tokens, matches between markers. */
export const snippet = sql<string>`snippet("archive_fts", -1, char(2), char(3), '…', 16)`;

/**
 * A published recording is one staff published, at or before now. The unary + keeps the
 * planner on recordings_event (one event's few rows) rather than recordings_published (every
 * published recording, once per result row).
 */
export const publishedRecording = (now: Date): SQL =>
  sql`+r.published = 1 AND (r.published_at IS NULL OR r.published_at <= ${now.getTime()})`;

/**
 * One archive entry as ONE JSON document built by SQLite (the events/queries.ts pattern): the
 * public fields, topics, people, briefs and published recordings with their chapters, so a
 * page of results is a single statement on either engine.
 */
export function archiveDoc(now: Date): SQL<string> {
  return sql<string>`json_object(
    'id', ${e.id}, 'slug', ${e.slug}, 'title', ${e.title},
    'summary', ${e.summary}, 'format', ${e.format}, 'status', ${e.status},
    'startsAt', ${e.startsAt}, 'endsAt', ${e.endsAt}, 'timeZone', ${e.timeZone},
    'topics', json((SELECT json_group_array(json_object('slug', x.slug, 'name', x.name)) FROM
      (SELECT ${t.slug} AS slug, ${t.name} AS name FROM ${et} JOIN ${t} ON ${t.id} = ${et.topicId}
       WHERE ${et.eventId} = ${e.id} ORDER BY ${t.name}) x)),
    'speakers', json((SELECT json_group_array(json_object('slug', x.slug, 'name', x.name, 'title', x.title,
        'affiliation', x.affiliation, 'role', x.role)) FROM
      (SELECT ${p.slug} AS slug, ${p.name} AS name, ${p.title} AS title, ${p.affiliation} AS affiliation,
         ${ep.role} AS role FROM ${ep} JOIN ${p} ON ${p.id} = ${ep.personId}
       WHERE ${ep.eventId} = ${e.id} ORDER BY ${ep.position}) x)),
    'briefs', json((SELECT json_group_array(json_object('slug', x.slug, 'title', x.title, 'kind', x.kind,
        'url', x.url, 'publishedOn', x.published_on, 'relation', x.relation)) FROM
      (SELECT ${b.slug} AS slug, ${b.title} AS title, ${b.kind} AS kind, ${b.url} AS url,
         ${b.publishedOn} AS published_on, ${eb.relation} AS relation FROM ${eb} JOIN ${b} ON ${b.id} = ${eb.briefId}
       WHERE ${eb.eventId} = ${e.id} ORDER BY ${eb.position}) x)),
    'recordings', json((SELECT json_group_array(json_object('kind', r.kind, 'provider', r.provider,
        'url', r.url, 'title', r.title, 'durationSeconds', r.duration_seconds, 'demo', r.demo,
        'publishedAt', r.published_at,
        'chapters', json((SELECT json_group_array(json_object('startSeconds', y.start_seconds,
            'title', y.title, 'brief', y.brief)) FROM
          (SELECT c.start_seconds, c.title, ${briefSlug(sql`c.brief_id`)} AS brief
           FROM recording_chapters c WHERE c.recording_id = r.id ORDER BY c.position) y))))
      FROM (SELECT * FROM recordings r WHERE r.event_id = ${e.id} AND ${publishedRecording(now)}
            ORDER BY r.position, r.id) r))
  )`;
}
