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
import type { BenchContext, DatabaseProfile } from "./benchmarks.js";

/**
 * The archive benchmarks' data: past published events and briefs written straight into the
 * bench server's database file before the server starts (through the same schema, so the FTS
 * triggers index them exactly as the app's own writes would). Text is drawn from a fixed
 * vocabulary with a seeded PRNG and a Zipf-like skew, so a few terms are in most documents and
 * most terms in few, as in real prose, and every run builds the same database.
 */
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

// Most frequent first: the draw below prefers the front of the list.
const WORDS = (
  "ukraine russia nato security war europe china defense policy military strategy alliance peace " +
  "deterrence nuclear sanctions ceasefire diplomacy iran israel taiwan drones energy budget army " +
  "navy air power talks border congress president election trade pacific korea syria gaza missile " +
  "intelligence allies burden sharing neutrality guarantees escalation restraint withdrawal troops " +
  "arms control treaty summit crisis conflict negotiations occupation reconstruction refugees grain " +
  "black sea baltic poland germany france britain turkey hungary finland sweden arctic kyiv moscow " +
  "beijing tehran washington brussels warsaw production munitions artillery shells tanks fighter jets " +
  "submarines shipping lanes oil gas pipeline inflation deficit aid package supplemental oversight " +
  "counteroffensive attrition mobilization frontline donbas crimea zaporizhzhia kharkiv odesa bakhmut " +
  "houthis hezbollah hamas red sea strait hormuz semiconductors tariffs export controls cyber space " +
  "satellites doctrine readiness recruitment industrial base procurement modernization stockpiles"
).split(/\s+/);
// Prose is mostly generic words; the foreign-policy vocabulary above is the minority a reader
// searches for (about 30% of the words), which keeps common terms in roughly 20-60% of events.
const FILLER = (
  "the of and to in a for on with as by at from that this is are was be it an or which its their " +
  "how what why who when where will would could should can may must not no more most less new old " +
  "first last next long short high low great small major key main central current recent future " +
  "panel discussion experts event session speakers analysis report view views case question answer " +
  "options choice choices path paths risk risks cost costs price stakes lessons record evidence " +
  "argue argues explain explains examine examines consider considers weigh weighs assess assesses " +
  "year years month months week today now then decade era moment time period phase stage turn " +
  "united states american western eastern northern southern global regional national local " +
  "government leaders officials administration public debate approach framework model plan plans"
).split(/\s+/);
const TOPICS = [
  "Ukraine-Russia",
  "NATO",
  "China",
  "Iran",
  "Middle East",
  "Nuclear weapons",
  "Alliances",
  "Burden sharing",
  "Europe and Eurasia",
  "Russia",
  "Ukraine",
  "Air power",
  "Diplomacy",
  "Drones",
  "Land power",
  "Military analysis",
  "Israel-Hamas",
  "Syria",
  "North Korea",
  "Defense budget",
];
const FIRST =
  "Anna Mark Rajan Jennifer Daniel Olena Piotr Sarah Michael Leila Tomas Ines Kenji Amara Pavel Ruth".split(
    " ",
  );
const LAST =
  "Kowalska Evans Menon Kavanagh Davis Shevchenko Nowak Clarke Brennan Haddad Novak Ferreira Sato Okafor Horvat Lindqvist".split(
    " ",
  );
const PATTERNS = [
  (w: () => string) => `${cap(w())} and ${w()}: what comes next for ${w()}`,
  (w: () => string) => `The ${w()} question: ${w()}, ${w()} and the ${w()} debate`,
  (w: () => string) => `${cap(w())} after the ${w()} summit`,
  (w: () => string) => `Is ${w()} ${w()} the least poor option?`,
  (w: () => string) => `${cap(w())}, ${w()} and American ${w()}`,
];
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** mulberry32: small, fast, seeded. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generator(seed: number) {
  const rand = prng(seed);
  const int = (n: number) => Math.floor(rand() * n);
  // rand()^1.5 skews towards the front: "ukraine" is common, "stockpiles" rare.
  const term = () => WORDS[Math.floor(rand() ** 1.5 * WORDS.length)]!;
  const word = () => (rand() < 0.3 ? term() : FILLER[Math.floor(rand() * FILLER.length)]!);
  const words = (n: number) => Array.from({ length: n }, word).join(" ");
  const sentence = (n: number) => `${cap(words(n))}.`;
  const title = () => PATTERNS[int(PATTERNS.length)]!(term);
  const one = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const pick = <T>(list: T[], n: number) => {
    const out = new Set<T>();
    while (out.size < Math.min(n, list.length)) out.add(list[int(list.length)]!);
    return [...out];
  };
  return { rand, int, one, word, words, sentence, title, pick };
}

const slugOf = (text: string, i: number) =>
  `${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60)}-${i}`;
const YT = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

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
