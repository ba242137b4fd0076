import { createClient } from "@libsql/client";
import { type Statement, sqlBatch } from "../src/db/batch.js";
import { libsqlDb, prepareLocalClient } from "../src/db/client.js";
import {
  briefAuthors,
  briefs,
  briefTopics,
  eventBriefs,
  eventPeople,
  events,
  eventTopics,
  people,
  recordingChapters,
  recordings,
  topics,
} from "../src/db/schema.js";
import { cap, FIRST, generator, LAST, slugOf, TOPICS, YT } from "./archive-text.js";
import type { BenchContext, DatabaseProfile } from "./types.js";

/**
 * The archive benchmarks' data: past published events and briefs written straight into the
 * bench server's database file before the server starts (through the same schema, so the FTS
 * triggers index them exactly as the app's own writes would). Text is drawn from a fixed
 * vocabulary with a seeded PRNG and a Zipf-like skew, so a few terms are in most documents and
 * most terms in few, as in real prose, and every run builds the same database.
 */
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

export interface ArchiveSize {
  events: number;
  briefs: number;
}

/** Writes the archive into the (migrated, empty) database at `databaseUrl`. */
export async function seedArchive(databaseUrl: string, size: ArchiveSize): Promise<void> {
  const started = performance.now();
  const client = createClient({ url: databaseUrl });
  await prepareLocalClient(client);
  const db = libsqlDb(client);
  const g = generator(20250416 + size.events);
  const at = new Date("2025-10-01T00:00:00Z");
  const stamps = { createdAt: at, updatedAt: at };
  const run = async (statements: Statement[]) => {
    for (let i = 0; i < statements.length; i += 50) await sqlBatch(db, statements.slice(i, i + 50));
  };
  const chunks = <T>(rows: T[], n = 200) =>
    Array.from({ length: Math.ceil(rows.length / n) }, (_, i) => rows.slice(i * n, i * n + n));

  try {
    const topicRows = TOPICS.map((name, i) => ({ id: `top_b${i}`, slug: slugOf(name, i), name, ...stamps }));
    const personRows = FIRST.flatMap((f, i) =>
      LAST.map((l, j) => ({
        id: `per_b${i}_${j}`,
        slug: slugOf(`${f} ${l}`, i * 100 + j),
        name: `${f} ${l}`,
        ...stamps,
      })),
    );
    await run([
      ...chunks(topicRows).map((c) => db.insert(topics).values(c)),
      ...chunks(personRows).map((c) => db.insert(people).values(c)),
    ]);

    const briefRows = Array.from({ length: size.briefs }, (_, i) => {
      const title = g.title();
      const day = new Date(Date.UTC(2012, 0, 1) + g.int(13 * 365) * 86_400_000);
      return {
        id: `brf_b${i}`,
        slug: slugOf(title, i),
        title,
        kind: g.one(["brief", "explainer", "report", "op-ed", "in-the-media"] as const),
        url: `https://research.example.org/b/${i}`,
        outlet: null,
        publishedOn: day.toISOString().slice(0, 10),
        summary: `${g.sentence(14)} ${g.sentence(10)}`,
        ...stamps,
      };
    });
    const authorRows = briefRows.flatMap((b) =>
      g.pick(personRows, 1 + g.int(2)).map((p, position) => ({ briefId: b.id, personId: p.id, position })),
    );
    const briefTopicRows = briefRows.flatMap((b) =>
      g.pick(topicRows, 1 + g.int(3)).map((t) => ({ briefId: b.id, topicId: t.id })),
    );
    await run([
      ...chunks(briefRows, 100).map((c) => db.insert(briefs).values(c)),
      ...chunks(authorRows, 300).map((c) => db.insert(briefAuthors).values(c)),
      ...chunks(briefTopicRows, 300).map((c) => db.insert(briefTopics).values(c)),
    ]);

    const eventRows = Array.from({ length: size.events }, (_, i) => {
      const title = g.title();
      const startsAt = new Date(
        Date.UTC(2012, 0, 1) + g.int(13 * 365) * 86_400_000 + (14 + g.int(6)) * 3_600_000,
      );
      return {
        id: `evt_b${String(i).padStart(6, "0")}`,
        slug: slugOf(title, i),
        title,
        summary: g.sentence(18),
        description: [g.sentence(30), g.sentence(25), g.sentence(30)].join("\n\n"),
        format: g.one(["virtual", "in_person", "hybrid"] as const),
        status: "published" as const,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 3_600_000),
        timeZone: "America/New_York",
        questions: [],
        ...stamps,
        publishedAt: new Date(startsAt.getTime() - 14 * 86_400_000),
      };
    });
    const speakerRows = eventRows.flatMap((e) =>
      g.pick(personRows, 1 + g.int(3)).map((p, position) => ({
        eventId: e.id,
        personId: p.id,
        role: position === 0 ? ("moderator" as const) : ("speaker" as const),
        position,
      })),
    );
    const eventTopicRows = eventRows.flatMap((e) =>
      g.pick(topicRows, 1 + g.int(4)).map((t) => ({ eventId: e.id, topicId: t.id })),
    );
    const eventBriefRows = eventRows.flatMap((e) =>
      g.pick(briefRows, g.int(3)).map((b, position) => ({
        eventId: e.id,
        briefId: b.id,
        relation: position === 0 ? ("background_reading" as const) : ("published_after" as const),
        position,
      })),
    );
    // About 60% of the events have a published recording; most of those have chapters.
    const recordingRows = eventRows.flatMap((e, i) =>
      g.rand() < 0.6
        ? [
            {
              id: `rec_b${i}`,
              eventId: e.id,
              kind: "video" as const,
              provider: "youtube" as const,
              url: `https://www.youtube.com/watch?v=${Array.from({ length: 11 }, () => YT[g.int(64)]).join("")}`,
              title: e.title,
              durationSeconds: 3600,
              published: true,
              publishedAt: new Date(e.endsAt.getTime() + 86_400_000),
              demo: true,
              position: 0,
              ...stamps,
            },
          ]
        : [],
    );
    const chapterRows = recordingRows.flatMap((r) =>
      Array.from({ length: g.int(4) }, (_, position) => ({
        recordingId: r.id,
        position,
        startSeconds: position * 900,
        title: cap(g.words(3 + g.int(3))),
        briefId: null,
      })),
    );
    await run([
      ...chunks(eventRows, 100).map((c) => db.insert(events).values(c)),
      ...chunks(speakerRows, 300).map((c) => db.insert(eventPeople).values(c)),
      ...chunks(eventTopicRows, 300).map((c) => db.insert(eventTopics).values(c)),
      ...chunks(eventBriefRows, 300).map((c) => db.insert(eventBriefs).values(c)),
      ...chunks(recordingRows, 100).map((c) => db.insert(recordings).values(c)),
      ...chunks(chapterRows, 300).map((c) => db.insert(recordingChapters).values(c)),
    ]);
    await client.execute("PRAGMA optimize");
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(
      `archive: wrote ${size.events} past events (${recordingRows.length} with recordings, ${chapterRows.length} chapters) and ${size.briefs} briefs in ${seconds} s`,
    );
  } finally {
    client.close();
  }
}

/** A database profile: the bench server for these benchmarks starts on this data. */
export const archiveDatabase = (size: ArchiveSize): DatabaseProfile => ({
  name: `archive-${size.events}`,
  prepare: (databaseUrl) => seedArchive(databaseUrl, size),
});

/** Common terms: each matches a large share of the archive, as a reader's first query would. */
export const SEARCH_TERMS = [
  "ukraine",
  "nato",
  "security",
  "china",
  "nuclear",
  "sanctions",
  "ceasefire",
  "deterrence",
  "diplomacy",
  "iran",
  "drones",
  "alliance",
  "energy",
  "taiwan",
  "peace",
  "military",
];

export const searchPath = (term: string) => `/api/v1/archive?q=${encodeURIComponent(term)}&limit=20`;

/** Checks every query once (200 with results) before anything is timed. */
export async function archiveSearch(ctx: BenchContext): Promise<{ terms: string[] }> {
  for (const term of SEARCH_TERMS) {
    const res = await ctx.api("GET", searchPath(term));
    if (res.status !== 200 || !Array.isArray(res.body?.data)) {
      const body = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
      throw new Error(`GET ${searchPath(term)} answered ${res.status}: ${String(body).slice(0, 300)}`);
    }
    if (res.body.data.length === 0) throw new Error(`GET ${searchPath(term)} found nothing`);
  }
  return { terms: SEARCH_TERMS };
}

/** One request per term, cycled by every connection, so the queries vary. */
export const searchRequests = (terms: string[]) =>
  terms.map((term) => ({ method: "GET", path: searchPath(term) }));
