import { createHash } from "node:crypto";
import {
  constants,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { parseConfig } from "../src/config.js";
import { MIGRATIONS_DIR } from "../src/db/migrate-node.js";
import { openNodeDb } from "../src/runtime/node-deps.js";
import { type ScaleSize, scaleStatements } from "./scale-sql.js";
import type { DatabaseProfile } from "./types.js";

/**
 * The scale benchmarks' database: a million registrations, 50,000 events and 200,000 briefs,
 * generated once with bulk SQL (bench/scale-sql.ts) and kept in a cache directory under a key
 * of the migration set and the generator, so later runs only copy the file. Upcoming events
 * are placed relative to the day of generation, so a cached file older than a week is made
 * again (its "upcoming" events would have started).
 */
export const SCALE: ScaleSize = {
  events: 50_000,
  upcoming: 500,
  registrations: 1_000_000,
  attendees: 400_000,
  briefs: 200_000,
};
// Bump when scale-sql.ts changes what it writes, so cached files made by the old one are not used.
const GENERATOR_VERSION = 2;
const MAX_AGE_MS = 7 * 86_400_000;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function cacheKey(size: ScaleSize): string {
  const hash = createHash("sha256").update(JSON.stringify({ size, GENERATOR_VERSION }));
  for (const name of readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort())
    hash.update(name).update(readFileSync(join(MIGRATIONS_DIR, name)));
  return hash.digest("hex").slice(0, 16);
}

/** Counts the app keeps by triggers, checked against the rows: generation must match what the app makes. */
export async function verifyScaleDatabase(url: string): Promise<Record<string, number>> {
  const client = createClient({ url });
  try {
    const one = async (sql: string) => Number((await client.execute(sql)).rows[0]?.[0]);
    const broken = (await client.execute("PRAGMA foreign_key_check")).rows.length;
    if (broken > 0) throw new Error(`scale database: ${broken} rows break a foreign key`);
    const countsOff = await one(`SELECT count(*) FROM (
        SELECT event_id, sum(status = 'confirmed') AS c, sum(status = 'waitlisted') AS w FROM registrations GROUP BY event_id) r
      LEFT JOIN registration_counts rc USING (event_id)
      WHERE (r.c + r.w > 0 OR rc.event_id IS NOT NULL) AND (coalesce(rc.confirmed, -1) <> r.c OR coalesce(rc.waitlisted, -1) <> r.w)`);
    if (countsOff > 0)
      throw new Error(`scale database: registration_counts is wrong for ${countsOff} events`);
    const figures = {
      events: await one("SELECT count(*) FROM events"),
      archiveRows: await one("SELECT count(*) FROM archive_fts"),
      registrations: await one("SELECT count(*) FROM registrations"),
      attendees: await one("SELECT count(*) FROM attendees"),
      briefs: await one("SELECT count(*) FROM briefs"),
      largestEvent: await one("SELECT max(confirmed + waitlisted) FROM registration_counts"),
    };
    if (figures.archiveRows !== figures.events)
      throw new Error(`scale database: ${figures.archiveRows} archive rows for ${figures.events} events`);
    return figures;
  } finally {
    client.close();
  }
}

/** Writes the scale data into the migrated, empty database at `path`. */
export async function generateScaleDatabase(path: string, size: ScaleSize, now = Date.now()): Promise<void> {
  const { close } = await openNodeDb(parseConfig({ DATABASE_URL: `file:${path}` }));
  close();
  const client = createClient({ url: `file:${path}` });
  try {
    // Links go in before their events (see scale-sql.ts), so foreign keys are checked at the end.
    await client.execute("PRAGMA foreign_keys = OFF");
    await client.execute("PRAGMA synchronous = OFF");
    await client.execute("PRAGMA cache_size = -262144");
    const tx = await client.transaction("write");
    for (const [i, { sql, args }] of scaleStatements(size, now).entries()) {
      try {
        await tx.execute({ sql, args: (args ?? []) as string[] });
      } catch (e) {
        throw new Error(`scale statement ${i} failed: ${e instanceof Error ? e.message : String(e)}\n${sql}`);
      }
    }
    await tx.commit();
    await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
  } finally {
    client.close();
  }
}

/** The cached scale database's path, made first if there is none (or it is stale). */
export async function scaleDatabaseFile(size: ScaleSize = SCALE): Promise<string> {
  const dir = process.env.BENCH_CACHE_DIR ?? join(tmpdir(), "convene-bench-cache");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `scale-${cacheKey(size)}.db`);
  if (existsSync(file) && Date.now() - statSync(file).mtimeMs < MAX_AGE_MS) {
    log(`scale: using the cached database ${file}`);
    return file;
  }
  const partial = `${file}.${process.pid}.partial`;
  rmSync(partial, { force: true });
  const started = performance.now();
  log(
    `scale: generating ${size.registrations} registrations, ${size.events} events, ${size.briefs} briefs ...`,
  );
  try {
    await generateScaleDatabase(partial, size);
    const figures = await verifyScaleDatabase(`file:${partial}`);
    for (const suffix of ["-wal", "-shm"]) rmSync(`${partial}${suffix}`, { force: true });
    renameSync(partial, file); // atomic: a concurrent run sees the whole file or none
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const mib = Math.round(statSync(file).size / 2 ** 20);
    log(`scale: generated and checked in ${seconds} s (${mib} MiB): ${JSON.stringify(figures)}`);
  } finally {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${partial}${suffix}`, { force: true });
  }
  return file;
}

/** The scale profile: the server starts on a copy of the cached file (benchmarks write into it). */
export const scaleDatabase = (size: ScaleSize = SCALE): DatabaseProfile => ({
  name: "scale",
  prepare: async (databaseUrl) => {
    const source = await scaleDatabaseFile(size);
    const target = databaseUrl.replace(/^file:/, "");
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${target}${suffix}`, { force: true });
    copyFileSync(source, target, constants.COPYFILE_FICLONE);
  },
});
