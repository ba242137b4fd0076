import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { recordingChapters, recordings } from "../../../db/schema.js";
import { isoUtc } from "../../../lib/time.js";
import { briefRef } from "../../briefs/index.js";
import { findEvent } from "../../events/index.js";
import type { RecordingView } from "./schemas.js";
import { embedUrl } from "./urls.js";

export type RecordingRow = typeof recordings.$inferSelect;
export type ChapterView = RecordingView["chapters"][number];

export interface RecordingWithEvent {
  row: RecordingRow;
  event: { id: string; slug: string; status: "draft" | "published" | "cancelled" };
}

export function recordingView(
  row: RecordingRow,
  event: { id: string; slug: string },
  chapters: ChapterView[],
): RecordingView {
  return {
    id: row.id,
    event: { id: event.id, slug: event.slug },
    kind: row.kind,
    provider: row.provider,
    url: row.url,
    embedUrl: embedUrl(row.provider, row.url),
    title: row.title,
    durationSeconds: row.durationSeconds,
    published: row.published,
    publishedAt: row.publishedAt ? isoUtc(row.publishedAt) : null,
    demo: row.demo,
    position: row.position,
    chapters,
    createdAt: isoUtc(row.createdAt),
    updatedAt: isoUtc(row.updatedAt),
  };
}

/** Chapters of several recordings, in order, with their briefs, in one query. */
export async function loadChapters(db: Db, recordingIds: string[]): Promise<Map<string, ChapterView[]>> {
  const out = new Map<string, ChapterView[]>(recordingIds.map((id) => [id, []]));
  if (recordingIds.length === 0) return out;
  const rows = await db
    .select({
      recordingId: recordingChapters.recordingId,
      startSeconds: recordingChapters.startSeconds,
      title: recordingChapters.title,
      brief: sql<string | null>`${briefRef(sql`${recordingChapters.briefId}`)}`,
    })
    .from(recordingChapters)
    .where(inArray(recordingChapters.recordingId, recordingIds))
    .orderBy(asc(recordingChapters.recordingId), asc(recordingChapters.position));
  for (const r of rows) {
    out.get(r.recordingId)?.push({
      startSeconds: r.startSeconds,
      title: r.title,
      brief: r.brief ? (JSON.parse(r.brief) as { slug: string; title: string }) : null,
    });
  }
  return out;
}

export async function findRecording(db: Db, id: string): Promise<RecordingWithEvent | undefined> {
  const [row] = await db.select().from(recordings).where(eq(recordings.id, id)).limit(1);
  const event = row && (await findEvent(db, row.eventId));
  return event ? { row, event: { id: event.id, slug: event.slug, status: event.status } } : undefined;
}

/** An event's recordings in display order; `publishedOnly` for the public. */
export async function eventRecordings(
  db: Db,
  event: { id: string; slug: string },
  publishedOnly: boolean,
): Promise<RecordingView[]> {
  const rows = await db
    .select()
    .from(recordings)
    .where(and(eq(recordings.eventId, event.id), publishedOnly ? eq(recordings.published, true) : undefined))
    .orderBy(asc(recordings.position), asc(recordings.createdAt), asc(recordings.id));
  const chapters = await loadChapters(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => recordingView(r, event, chapters.get(r.id) ?? []));
}

/** The next display position for a new recording of the event, computed inside the INSERT. */
export const nextPosition = (eventId: string) =>
  sql`(SELECT coalesce(max(${recordings.position}) + 1, 0) FROM ${recordings} WHERE ${recordings.eventId} = ${eventId})`;
