import type { Db } from "../../db/client.js";
import { VersionQueries } from "./feed-queries.js";

/**
 * Rendered calendars, one cache per database handle (tests never share entries), keyed by
 * feed and content fingerprint. Every request still asks the database for the fingerprint
 * (one query), so an entry is never served stale, also with several processes on one
 * database; the cache only saves rendering (and gzipping) the same content again. Bounded
 * by entries and bytes, least recently used out first. Concurrent misses for the same
 * content share one render.
 */
const MAX_ENTRIES = 500;
const MAX_BYTES = 64 * 1024 * 1024;

export interface CachedCalendar {
  fingerprint: string;
  body: Uint8Array;
  gzip?: Uint8Array;
}

export class FeedCache {
  readonly queries: VersionQueries;
  private readonly entries = new Map<string, CachedCalendar>();
  private readonly pending = new Map<string, Promise<CachedCalendar>>();
  /** Last-Modified per feed, for the fingerprint it was computed with (it is a function of it). */
  private readonly modified = new Map<string, { fingerprint: string; at: number | null }>();
  private bytes = 0;

  constructor(db: Db) {
    this.queries = new VersionQueries(db);
  }

  get(key: string, fingerprint: string): CachedCalendar | undefined {
    const hit = this.entries.get(key);
    if (!hit || hit.fingerprint !== fingerprint) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /** Renders once for all concurrent callers and keeps the result under the fingerprint it was rendered from. */
  render(key: string, wanted: string, render: () => Promise<{ body: string; fingerprint: string }>) {
    const id = `${key}\n${wanted}`;
    let job = this.pending.get(id);
    if (!job) {
      job = render()
        .then(({ body, fingerprint }) =>
          this.store(key, { fingerprint, body: new TextEncoder().encode(body) }),
        )
        .finally(() => this.pending.delete(id));
      this.pending.set(id, job);
    }
    return job;
  }

  async lastModified(key: string, fingerprint: string, compute: () => Promise<number | null>) {
    const hit = this.modified.get(key);
    if (hit?.fingerprint === fingerprint) return hit.at;
    const at = await compute();
    this.modified.delete(key);
    this.modified.set(key, { fingerprint, at });
    if (this.modified.size > MAX_ENTRIES) this.modified.delete(this.modified.keys().next().value!);
    return at;
  }

  async gzip(key: string, entry: CachedCalendar): Promise<Uint8Array> {
    if (entry.gzip) return entry.gzip;
    const stream = new Blob([entry.body as BlobPart]).stream().pipeThrough(new CompressionStream("gzip"));
    const gzip = new Uint8Array(await new Response(stream).arrayBuffer());
    if (!entry.gzip && this.entries.get(key) === entry) {
      entry.gzip = gzip;
      this.bytes += gzip.byteLength;
      this.trim();
    }
    return gzip;
  }

  private store(key: string, entry: CachedCalendar): CachedCalendar {
    this.drop(key);
    this.entries.set(key, entry);
    this.bytes += entry.body.byteLength;
    this.trim();
    return entry;
  }

  private drop(key: string) {
    const old = this.entries.get(key);
    if (!old) return;
    this.entries.delete(key);
    this.bytes -= old.body.byteLength + (old.gzip?.byteLength ?? 0);
  }

  private trim() {
    while (this.entries.size > MAX_ENTRIES || (this.bytes > MAX_BYTES && this.entries.size > 1)) {
      this.drop(this.entries.keys().next().value!);
    }
  }
}

const caches = new WeakMap<Db, FeedCache>();

export function feedCache(db: Db): FeedCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new FeedCache(db);
    caches.set(db, cache);
  }
  return cache;
}
