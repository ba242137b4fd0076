import { sql } from "drizzle-orm";
import { sqlAll } from "../../../db/batch.js";
import type { Db } from "../../../db/client.js";
import { eventRows as e, eventsChangeCount, type Kept, stillHolds } from "../../events/index.js";
import { toMatchQuery } from "./query.js";
import { type ArchivePage, type ArchiveSearch, searchArchive } from "./search.js";

/**
 * Archive search pages, reused while the archive is unchanged. Ranking every match of a
 * common term costs milliseconds, and readers repeat the same searches, so each request first
 * reads the archive's version (one index-only statement) and reuses a page computed for the
 * same parameters at the same version.
 *
 * The version is the number of past published events, their newest updated_at and the sum of
 * their revisions. Every write the archive shows moves an event's revision and updated_at (an
 * event edit, a recording or chapter, a renamed speaker, topic or brief: see events/touch.ts),
 * and an event ending or being cancelled changes the count. The revision sum keeps it right
 * even if two processes' clocks disagree.
 */
const MAX_ENTRIES = 500;
const caches = new WeakMap<Db, Map<string, ArchivePage>>();
const versions = new WeakMap<Db, Kept<string>>();

/**
 * Counting the archive reads every past event's index entry (5,000: most of a cached search's
 * cost), so the version is kept while the events change count (events/change-count.ts) stays
 * the same and no further event has ended; the next end is where a kept version expires.
 */
export async function archiveVersion(db: Db, now: Date): Promise<string> {
  const at = now.getTime();
  const count = await eventsChangeCount(db);
  const kept = versions.get(db);
  if (stillHolds(kept, count, at)) return kept.value;
  const [row] = await sqlAll<{ n: number; u: number | null; r: number; next: number | null }>(
    db,
    sql`SELECT count(*) AS n, max(${e.updatedAt}) AS u, total(${e.revision}) AS r,
          (SELECT min(${e.endsAt}) FROM ${e} WHERE ${e.status} = 'published' AND ${e.endsAt} > ${at}) AS next
        FROM ${e} WHERE ${e.status} = 'published' AND ${e.endsAt} <= ${at}`,
  );
  const version = `${row?.n ?? 0}.${row?.u ?? 0}.${row?.r ?? 0}`;
  if (count === null) versions.delete(db);
  else
    versions.set(db, {
      count,
      readAt: at,
      validUntil: row?.next ?? Number.POSITIVE_INFINITY,
      value: version,
    });
  return version;
}

/**
 * The cache key of a search: keyed by what the search reads of q (its MATCH expression, in lower
 * case: the index folds case), so "ukraine", "Ukraine." and "ukraine!!" share one entry and a
 * reader cannot force a miss per punctuation mark.
 */
export function searchCacheKey(version: string, f: ArchiveSearch): string {
  return JSON.stringify([
    version,
    toMatchQuery(f.q)?.toLowerCase() ?? "",
    f.topic,
    f.person,
    f.year,
    f.format,
    f.hasRecording,
    f.limit,
    f.cursor,
  ]);
}

/**
 * A search through the cache. `onMiss` runs before a text search that misses it (the costly
 * kind) and may throw: the caller's per-client budget (limits' spendSearch).
 */
export async function cachedSearchArchive(
  db: Db,
  f: ArchiveSearch,
  onMiss?: () => void,
): Promise<ArchivePage> {
  const version = await archiveVersion(db, f.now);
  const key = searchCacheKey(version, f);
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  if (f.q) onMiss?.();
  const page = await searchArchive(db, f);
  cache.set(key, page);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return page;
}
