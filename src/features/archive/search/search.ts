import { and, eq, gt, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Config } from "../../../config.js";
import type { Db } from "../../../db/client.js";
import type { EVENT_FORMATS } from "../../../db/schema.js";
import { isoUtc, localView } from "../../../lib/time.js";
import { eventRows as e, eventPersonRows as ep, eventTopicRows as et } from "../../events/index.js";
import { personIdOfSlug } from "../../people/index.js";
import { topicIdOfSlug } from "../../topics/index.js";
import { decodeSearchCursor, encodeSearchCursor } from "./cursor.js";
import { toMatchQuery } from "./query.js";
import type { ArchiveItem, SnippetSegment } from "./schemas.js";
import { archiveDoc, MARK_CLOSE, MARK_OPEN, publishedRecording, score, snippet } from "./sql.js";

export type { ArchiveItem, SnippetSegment } from "./schemas.js";

export interface ArchiveSearch {
  q?: string;
  topic?: string;
  /** A person linked to the event in any role (speaker, moderator, host). */
  person?: string;
  /** The calendar year in the event's own time zone (an event at 20:00 on 31 December in New York is that year's). */
  year?: number;
  format?: (typeof EVENT_FORMATS)[number];
  /** true: only events with a published recording; false: only events without one. */
  hasRecording?: boolean;
  limit: number;
  cursor?: string;
  now: Date;
}

export interface ArchivePage {
  items: ArchiveItem[];
  nextCursor: string | null;
}

const HOUR = 3_600_000;
// UTC offsets run from -12:00 to +14:00: more than 15 hours from New Year in UTC, an instant
// falls in the same year in every zone.
const BAND = 15 * HOUR;

/**
 * Events of `year` in their own zone, as conditions on starts_at. Inside the year's UTC span
 * (minus the band) every zone agrees; near either New Year only the zones of events actually
 * starting there are checked, each with its own local boundaries (a small extra read, only
 * when the year filter is used and only over those hours).
 */
async function yearCondition(db: Db, year: number, base: SQL[]): Promise<SQL> {
  const y0 = Date.UTC(year, 0, 1);
  const y1 = Date.UTC(year + 1, 0, 1);
  const inBand = (at: number) =>
    and(gt(e.startsAt, new Date(at - BAND)), lt(e.startsAt, new Date(at + BAND)));
  const zones = await db
    .selectDistinct({ zone: e.timeZone })
    .from(e)
    .where(and(...base, or(inBand(y0), inBand(y1))));
  const conditions: (SQL | undefined)[] = [
    and(gt(e.startsAt, new Date(y0 + BAND - 1)), lt(e.startsAt, new Date(y1 - BAND))),
  ];
  for (const { zone } of zones) {
    const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
    const to = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone });
    if (!from.isValid || !to.isValid) continue;
    conditions.push(
      and(eq(e.timeZone, zone), gt(e.startsAt, new Date(from.toMillis() - 1)), lt(e.startsAt, to.toJSDate())),
    );
  }
  return or(...conditions) as SQL;
}

function filters(f: ArchiveSearch): SQL[] {
  // The unary + keeps the unranked page on events_status_starts (already in page order)
  // instead of events_status_ends followed by a sort of the whole archive.
  const out: SQL[] = [eq(e.status, "published"), sql`+${e.endsAt} <= ${f.now.getTime()}`];
  if (f.format) out.push(eq(e.format, f.format));
  if (f.topic) {
    out.push(
      inArray(e.id, sql`(SELECT ${et.eventId} FROM ${et} WHERE ${et.topicId} = ${topicIdOfSlug(f.topic)})`),
    );
  }
  if (f.person) {
    out.push(
      inArray(
        e.id,
        sql`(SELECT ${ep.eventId} FROM ${ep} WHERE ${ep.personId} = ${personIdOfSlug(f.person)})`,
      ),
    );
  }
  if (f.hasRecording !== undefined) {
    const exists = sql`EXISTS (SELECT 1 FROM recordings r WHERE r.event_id = ${e.id} AND ${publishedRecording(f.now)})`;
    out.push(f.hasRecording ? exists : sql`NOT ${exists}`);
  }
  return out;
}

/**
 * The archive: past published events (ended by `now`), newest first, or ranked by bm25 when
 * `q` holds a searchable term. One statement per page (two with a year filter).
 */
export async function searchArchive(db: Db, f: ArchiveSearch): Promise<ArchivePage> {
  const match = toMatchQuery(f.q);
  const cursor = f.cursor ? decodeSearchCursor(f.cursor, match !== null) : undefined;
  const where = filters(f);
  if (f.year !== undefined) where.push(await yearCondition(db, f.year, [...where]));

  const ranked = match !== null;
  if (ranked) {
    where.push(sql`"archive_fts" MATCH ${match}`);
    if (cursor?.kind === "ranked") {
      where.push(
        sql`(${score} > ${cursor.score} OR (${score} = ${cursor.score} AND ${e.id} > ${cursor.id}))`,
      );
    }
  } else if (cursor?.kind === "date") {
    const at = new Date(cursor.at);
    where.push(or(lt(e.startsAt, at), and(eq(e.startsAt, at), lt(e.id, cursor.id))) as SQL);
  }
  // CROSS JOIN fixes the loop order (SQLite never reorders it): the full-text query runs once
  // and drives the join, instead of once per past event with a rowid probe (seconds at 5,000).
  // The page is chosen from narrow rows first (a MATERIALIZED CTE), and the JSON documents and
  // snippets are built for its rows only: building them inside the sorted query would build one
  // for every match before the sort (seconds instead of milliseconds at 5,000 events).
  const rows = await db.all<PageRow>(sql`WITH page AS MATERIALIZED (
      SELECT ${e.rid} AS rid, ${e.id} AS id, ${e.startsAt} AS at, ${ranked ? score : sql`0`} AS score
      FROM ${ranked ? sql`"archive_fts" CROSS JOIN ${e} ON ${e.rid} = "archive_fts"."rowid"` : e}
      WHERE ${and(...where)}
      ORDER BY ${ranked ? sql`score, id` : sql`at DESC, id DESC`}
      LIMIT ${f.limit + 1})
    SELECT page.id AS id, page.at AS at, page.score AS score, ${archiveDoc(f.now)} AS doc,
      ${ranked ? snippet : sql`NULL`} AS snip
    FROM page CROSS JOIN ${e} ON ${e.rid} = page.rid
    ${ranked ? sql`CROSS JOIN "archive_fts" ON "archive_fts"."rowid" = page.rid AND "archive_fts" MATCH ${match}` : sql``}
    ORDER BY ${ranked ? sql`page.score, page.id` : sql`page.at DESC, page.id DESC`}`);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  let nextCursor: string | null = null;
  if (rows.length > f.limit && last) {
    nextCursor = encodeSearchCursor(
      ranked
        ? { kind: "ranked", score: Number(last.score), id: last.id }
        : { kind: "date", at: Number(last.at), id: last.id },
    );
  }
  return { items: page.map((r) => toItem(r.doc, ranked ? (r.snip ?? "") : null)), nextCursor };
}

interface PageRow {
  id: string;
  at: number;
  score: number;
  doc: string;
  snip: string | null;
}

/** "a \u0002b\u0003 c" -> [{ text: "a ", match: false }, { text: "b", match: true }, { text: " c", match: false }] */
export function snippetSegments(raw: string): SnippetSegment[] {
  const out: SnippetSegment[] = [];
  for (const [i, part] of raw.split(MARK_OPEN).entries()) {
    const [inside, after] =
      i === 0 ? [null, part] : [part.split(MARK_CLOSE)[0]!, part.split(MARK_CLOSE).slice(1).join("")];
    if (inside) out.push({ text: inside, match: true });
    if (after) out.push({ text: after, match: false });
  }
  return out;
}

interface Doc extends Omit<ArchiveItem, "startsAt" | "endsAt" | "local" | "url" | "recordings" | "snippet"> {
  startsAt: number;
  endsAt: number;
  recordings: (Omit<ArchiveItem["recordings"][number], "demo" | "publishedAt"> & {
    demo: number;
    publishedAt: number | null;
  })[];
}

function toItem(json: string, rawSnippet: string | null): ArchiveItem {
  const d = JSON.parse(json) as Doc;
  const start = new Date(d.startsAt);
  const end = new Date(d.endsAt);
  const local = localView(start, d.timeZone);
  return {
    ...d,
    url: `/archive/${encodeURIComponent(d.slug)}`,
    startsAt: isoUtc(start),
    endsAt: isoUtc(end),
    local: { startsAt: local.local, endsAt: localView(end, d.timeZone).local, utcOffset: local.offset },
    recordings: d.recordings.map((r) => ({
      ...r,
      demo: Boolean(r.demo),
      publishedAt: r.publishedAt === null ? null : isoUtc(new Date(r.publishedAt)),
    })),
    snippet: rawSnippet === null ? null : snippetSegments(rawSnippet),
  };
}

/** The query layer gives paths (what pages link to); the JSON API gives absolute URLs. */
export function withAbsoluteUrls(page: ArchivePage, config: Config): ArchivePage {
  return { ...page, items: page.items.map((i) => ({ ...i, url: `${config.PUBLIC_URL}${i.url}` })) };
}
