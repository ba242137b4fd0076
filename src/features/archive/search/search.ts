import { and, eq, gt, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Config } from "../../../config.js";
import type { Db } from "../../../db/client.js";
import { events } from "../../../db/schema.js";
import { isoUtc, localView } from "../../../lib/time.js";
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
  format?: (typeof events.$inferSelect)["format"];
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
    and(gt(events.startsAt, new Date(at - BAND)), lt(events.startsAt, new Date(at + BAND)));
  const zones = await db
    .selectDistinct({ zone: events.timeZone })
    .from(events)
    .where(and(...base, or(inBand(y0), inBand(y1))));
  const conditions: (SQL | undefined)[] = [
    and(gt(events.startsAt, new Date(y0 + BAND - 1)), lt(events.startsAt, new Date(y1 - BAND))),
  ];
  for (const { zone } of zones) {
    const from = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
    const to = DateTime.fromObject({ year: year + 1, month: 1, day: 1 }, { zone });
    if (!from.isValid || !to.isValid) continue;
    conditions.push(
      and(
        eq(events.timeZone, zone),
        gt(events.startsAt, new Date(from.toMillis() - 1)),
        lt(events.startsAt, to.toJSDate()),
      ),
    );
  }
  return or(...conditions) as SQL;
}

function filters(f: ArchiveSearch): SQL[] {
  // The unary + keeps the unranked page on events_status_starts (already in page order)
  // instead of events_status_ends followed by a sort of the whole archive.
  const out: SQL[] = [eq(events.status, "published"), sql`+${events.endsAt} <= ${f.now.getTime()}`];
  if (f.format) out.push(eq(events.format, f.format));
  if (f.topic) {
    out.push(
      inArray(
        events.id,
        sql`(SELECT et.event_id FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE t.slug = ${f.topic})`,
      ),
    );
  }
  if (f.person) {
    out.push(
      inArray(
        events.id,
        sql`(SELECT ep.event_id FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE p.slug = ${f.person})`,
      ),
    );
  }
  if (f.hasRecording !== undefined) {
    const exists = sql`EXISTS (SELECT 1 FROM recordings r WHERE r.event_id = "events"."id" AND ${publishedRecording(f.now)})`;
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
        sql`(${score} > ${cursor.score} OR (${score} = ${cursor.score} AND "events"."id" > ${cursor.id}))`,
      );
    }
  } else if (cursor?.kind === "date") {
    const at = new Date(cursor.at);
    where.push(or(lt(events.startsAt, at), and(eq(events.startsAt, at), lt(events.id, cursor.id))) as SQL);
  }
  // CROSS JOIN fixes the loop order (SQLite never reorders it): the full-text query runs once
  // and drives the join, instead of once per past event with a rowid probe (seconds at 5,000).
  // The page is chosen from narrow rows first (a MATERIALIZED CTE), and the JSON documents and
  // snippets are built for its rows only: building them inside the sorted query would build one
  // for every match before the sort (seconds instead of milliseconds at 5,000 events).
  const rows = await db.all<PageRow>(sql`WITH page AS MATERIALIZED (
      SELECT "events"."rowid" AS rid, "events"."id" AS id, "events"."starts_at" AS at, ${ranked ? score : sql`0`} AS score
      FROM ${ranked ? sql`"archive_fts" CROSS JOIN "events" ON "events"."rowid" = "archive_fts"."rowid"` : sql`"events"`}
      WHERE ${and(...where)}
      ORDER BY ${ranked ? sql`score, id` : sql`at DESC, id DESC`}
      LIMIT ${f.limit + 1})
    SELECT page.id AS id, page.at AS at, page.score AS score, ${archiveDoc(f.now)} AS doc,
      ${ranked ? snippet : sql`NULL`} AS snip
    FROM page CROSS JOIN "events" ON "events"."rowid" = page.rid
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
