import { eq, sql } from "drizzle-orm";
import { type Statement, sqlBatch } from "../../../db/batch.js";
import type { Db } from "../../../db/client.js";
import { isForeignKeyViolation, isNotNullViolation } from "../../../db/errors.js";
import { recordingChapters, recordings } from "../../../db/schema.js";
import type { Deps } from "../../../deps.js";
import { conflict, type FieldError, invalidField, notFound } from "../../../lib/problem.js";
import { validationProblem } from "../../../lib/validate.js";
import { type Actor, auditInsert } from "../../audit/index.js";
import { briefsWithSlugs } from "../../briefs/index.js";
import { findEvent, touchEvent } from "../../events/index.js";
import { planRecordingNotice } from "../../reminders/index.js";
import { recordingPublished } from "./fragments.js";
import {
  type ChapterView,
  eventRecordings,
  findRecording,
  nextPosition,
  type RecordingRow,
  type RecordingWithEvent,
  recordingView,
} from "./queries.js";
import type { RecordingCreateInput, RecordingUpdateInput, RecordingView } from "./schemas.js";
import { type ChapterInput, chapterErrors, urlProblem } from "./urls.js";
import { recordingWebhooks } from "./webhooks.js";

interface ResolvedChapter {
  input: ChapterInput;
  brief: { id: string; slug: string; title: string } | null;
}

/** Brief slugs of chapters to rows; an unknown one is named "chapters.{i}.brief". */
async function resolveChapters(db: Db, chapters: ChapterInput[]): Promise<ResolvedChapter[]> {
  const slugs = [...new Set(chapters.flatMap((c) => (c.brief ? [c.brief] : [])))];
  const rows = await briefsWithSlugs(db, slugs);
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  const errors: FieldError[] = [];
  const resolved = chapters.map((input, i) => {
    const brief = input.brief ? (bySlug.get(input.brief) ?? null) : null;
    if (input.brief && !brief)
      errors.push({ field: `chapters.${i}.brief`, message: `no brief with slug "${input.brief}"` });
    return { input, brief };
  });
  if (errors.length) throw validationProblem(errors);
  return resolved;
}

const chapterViews = (chapters: ResolvedChapter[]): ChapterView[] =>
  chapters.map((c) => ({
    startSeconds: c.input.startSeconds,
    title: c.input.title,
    brief: c.brief ? { slug: c.brief.slug, title: c.brief.title } : null,
  }));

function chapterInserts(db: Db, recordingId: string, chapters: ResolvedChapter[]): Statement[] {
  if (chapters.length === 0) return [];
  return [
    db.insert(recordingChapters).values(
      chapters.map((c, position) => ({
        recordingId,
        position,
        startSeconds: c.input.startSeconds,
        title: c.input.title,
        briefId: c.brief?.id ?? null,
      })),
    ),
  ];
}

/**
 * The recording's own update, only if nobody wrote it since it was read (its updated time is the
 * version): otherwise the CASE yields NULL, NOT NULL fails and the whole batch rolls back.
 */
function guardedRecordingUpdate(db: Db, before: RecordingRow, set: Partial<RecordingRow>, at: Date) {
  return db
    .update(recordings)
    .set({
      ...set,
      updatedAt: sql`CASE WHEN ${recordings.updatedAt} = ${before.updatedAt.getTime()} THEN ${at.getTime()} ELSE NULL END`,
    })
    .where(eq(recordings.id, before.id));
}

async function runBatch(db: Db, statements: Statement[]): Promise<void> {
  try {
    await sqlBatch(db, statements);
  } catch (err) {
    if (isNotNullViolation(err, "updated_at")) {
      throw conflict("edited-concurrently", "The recording changed meanwhile; read it again and retry.");
    }
    if (isForeignKeyViolation(err)) {
      throw conflict("stale-reference", "The event or a brief was deleted meanwhile; retry.");
    }
    throw err;
  }
}

/** Published now unless an instant was given; an instant in the future is refused. */
function publishedAtOf(published: boolean, given: string | undefined, current: Date | null, now: Date) {
  if (!published) {
    if (given) throw invalidField("publishedAt", "only with published: true");
    return null;
  }
  if (given) {
    const at = new Date(given);
    if (at.getTime() > now.getTime()) throw invalidField("publishedAt", "must not be in the future");
    return at;
  }
  return current ?? now;
}

async function requireRecording(db: Db, id: string): Promise<RecordingWithEvent> {
  const found = await findRecording(db, id);
  if (!found) throw notFound(`Recording ${id}`);
  return found;
}

async function currentView(db: Db, id: string): Promise<RecordingView> {
  const found = await requireRecording(db, id);
  const [view] = (await eventRecordings(db, found.event, false)).filter((r) => r.id === id);
  return view!;
}

/**
 * Attaches a recording to any event that is not cancelled. Drafts and future events may get
 * one ahead of time (a trailer, slides prepared in advance); the archive only shows published
 * recordings of past published events.
 */
export async function createRecording(
  deps: Deps,
  actor: Actor,
  idOrSlug: string,
  input: RecordingCreateInput,
): Promise<RecordingView> {
  const event = await findEvent(deps.db, idOrSlug);
  if (!event) throw notFound(`Event ${idOrSlug}`);
  if (event.status === "cancelled") {
    throw conflict("event-cancelled", "A cancelled event cannot get recordings.");
  }
  const chapters = await resolveChapters(deps.db, input.chapters);
  const now = deps.clock.now();
  const id = deps.tokens.id("rec");
  const row = {
    id,
    eventId: event.id,
    kind: input.kind,
    provider: input.provider,
    url: input.url,
    title: input.title ?? null,
    durationSeconds: input.durationSeconds ?? null,
    published: input.published,
    publishedAt: publishedAtOf(input.published, input.publishedAt, null, now),
    demo: input.demo,
    createdAt: now,
    updatedAt: now,
  };
  const after = recordingView({ ...row, position: 0 }, event, chapterViews(chapters));
  await runBatch(deps.db, [
    deps.db.insert(recordings).values({ ...row, position: nextPosition(event.id) }),
    ...chapterInserts(deps.db, id, chapters),
    touchEvent(deps.db, event.id, now),
    // Registrants hear about the first published recording once the event is over.
    planRecordingNotice(event.id, now, recordingPublished),
    ...(row.published ? [recordingWebhooks(id, now, deps.config.PUBLIC_URL)] : []),
    auditInsert(deps.db, now, actor, {
      action: "recording.create",
      entityType: "recording",
      entityId: id,
      after,
    }),
  ]);
  return currentView(deps.db, id);
}

/** Staff see every recording of any event; the public sees published recordings of public events. */
export async function listRecordings(db: Db, idOrSlug: string, staff: boolean): Promise<RecordingView[]> {
  const event = await findEvent(db, idOrSlug);
  if (!event || (!staff && event.status === "draft")) throw notFound(`Event ${idOrSlug}`);
  return eventRecordings(db, event, !staff);
}

export async function getRecording(db: Db, id: string, staff: boolean): Promise<RecordingView> {
  const found = await requireRecording(db, id);
  if (!staff && (!found.row.published || found.event.status === "draft")) throw notFound(`Recording ${id}`);
  return currentView(db, id);
}

export async function updateRecording(
  deps: Deps,
  actor: Actor,
  id: string,
  input: RecordingUpdateInput,
): Promise<RecordingView> {
  const found = await requireRecording(deps.db, id);
  const before = await currentView(deps.db, id);
  const row = found.row;
  const provider = input.provider ?? row.provider;
  const url = input.url ?? row.url;
  if (input.provider !== undefined || input.url !== undefined) {
    const bad = urlProblem(provider, url);
    if (bad) throw invalidField("url", bad);
  }
  const durationSeconds = input.durationSeconds === undefined ? row.durationSeconds : input.durationSeconds;
  if (input.durationSeconds !== undefined) {
    const last = before.chapters.at(-1);
    if (durationSeconds != null && last && last.startSeconds >= durationSeconds) {
      throw invalidField(
        "durationSeconds",
        `must be after the last chapter's start (${last.startSeconds} s)`,
      );
    }
  }
  const now = deps.clock.now();
  const published = input.published ?? row.published;
  const changes: Partial<RecordingRow> = {
    kind: input.kind ?? row.kind,
    provider,
    url,
    title: input.title === undefined ? row.title : input.title,
    durationSeconds,
    published,
    publishedAt: publishedAtOf(published, input.publishedAt, row.publishedAt, now),
    demo: input.demo ?? row.demo,
  };
  const after = recordingView({ ...row, ...changes, updatedAt: now }, found.event, before.chapters);
  await runBatch(deps.db, [
    guardedRecordingUpdate(deps.db, row, changes, now),
    touchEvent(deps.db, found.event.id, now),
    planRecordingNotice(found.event.id, now, recordingPublished),
    ...(published && !row.published ? [recordingWebhooks(id, now, deps.config.PUBLIC_URL)] : []),
    auditInsert(deps.db, now, actor, {
      action: "recording.update",
      entityType: "recording",
      entityId: id,
      before,
      after,
    }),
  ]);
  return currentView(deps.db, id);
}

/** Replaces all chapters; starts are checked against the stored duration. */
export async function replaceChapters(
  deps: Deps,
  actor: Actor,
  id: string,
  input: ChapterInput[],
): Promise<RecordingView> {
  const found = await requireRecording(deps.db, id);
  const errors = chapterErrors(input, found.row.durationSeconds);
  if (errors.length) throw validationProblem(errors);
  const chapters = await resolveChapters(deps.db, input);
  const before = await currentView(deps.db, id);
  const now = deps.clock.now();
  const after = chapterViews(chapters);
  await runBatch(deps.db, [
    guardedRecordingUpdate(deps.db, found.row, {}, now),
    deps.db.delete(recordingChapters).where(eq(recordingChapters.recordingId, id)),
    ...chapterInserts(deps.db, id, chapters),
    touchEvent(deps.db, found.event.id, now),
    auditInsert(deps.db, now, actor, {
      action: "recording.chapters",
      entityType: "recording",
      entityId: id,
      before: before.chapters,
      after,
    }),
  ]);
  return currentView(deps.db, id);
}

export async function deleteRecording(deps: Deps, actor: Actor, id: string): Promise<void> {
  const found = await requireRecording(deps.db, id);
  const before = await currentView(deps.db, id);
  const now = deps.clock.now();
  await runBatch(deps.db, [
    guardedRecordingUpdate(deps.db, found.row, {}, now),
    // Chapters first, while the recording still exists: the search index's chapter trigger finds
    // the event through it (a cascade would run after the recording is gone).
    deps.db.delete(recordingChapters).where(eq(recordingChapters.recordingId, id)),
    deps.db.delete(recordings).where(eq(recordings.id, id)),
    touchEvent(deps.db, found.event.id, now),
    auditInsert(deps.db, now, actor, {
      action: "recording.delete",
      entityType: "recording",
      entityId: id,
      before,
    }),
  ]);
}
