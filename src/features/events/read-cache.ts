import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { events } from "../../db/schema.js";
import { type EventRow, findEvent } from "./queries.js";

/**
 * Rendered public event JSON, reused while the event's revision is unchanged. Each request
 * still asks the database for the current revision (one narrow, prepared statement), so the
 * cache is never stale, also with several app processes on one database; it only skips
 * re-reading relations and re-rendering. The revision moves with every write that changes
 * what the event shows (see touch.ts), which also makes it a sound ETag.
 */
const MAX_ENTRIES = 1000;

interface Entry {
  revision: number;
  body: string;
}

export interface EventVersion {
  id: string;
  revision: number;
  status: "draft" | "published" | "cancelled";
}

class ReadCache {
  private readonly entries = new Map<string, Entry>();
  private readonly rows = new Map<string, EventRow>();
  private readonly bySlug;
  private readonly byId;

  constructor(db: Db) {
    const columns = { id: events.id, revision: events.revision, status: events.status };
    this.bySlug = db
      .select(columns)
      .from(events)
      .where(eq(events.slug, sql.placeholder("key")))
      .limit(1)
      .prepare();
    this.byId = db
      .select(columns)
      .from(events)
      .where(eq(events.id, sql.placeholder("key")))
      .limit(1)
      .prepare();
  }

  async version(idOrSlug: string): Promise<EventVersion | undefined> {
    const query = idOrSlug.startsWith("evt_") ? this.byId : this.bySlug;
    const [row] = await query.all({ key: idOrSlug });
    return row;
  }

  get(id: string, revision: number): string | undefined {
    const hit = this.entries.get(id);
    if (!hit || hit.revision !== revision) return undefined;
    // Refresh its place so the least recently used entry is the one evicted.
    this.entries.delete(id);
    this.entries.set(id, hit);
    return hit.body;
  }

  /**
   * The event row for hot paths (registration) that need the whole row: one narrow query for
   * the revision, the row itself only when it changed.
   */
  async row(db: Db, idOrSlug: string): Promise<EventRow | undefined> {
    const v = await this.version(idOrSlug);
    if (!v) return undefined;
    const hit = this.rows.get(v.id);
    if (hit && hit.revision === v.revision) return hit;
    const row = await findEvent(db, v.id);
    if (!row) return undefined;
    this.rows.delete(v.id);
    this.rows.set(v.id, row);
    if (this.rows.size > MAX_ENTRIES) this.rows.delete(this.rows.keys().next().value!);
    return row;
  }

  set(id: string, revision: number, body: string): void {
    this.entries.delete(id);
    this.entries.set(id, { revision, body });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }
}

// One cache per database handle, so tests (a fresh database each) never see each other's entries.
const caches = new WeakMap<Db, ReadCache>();

export function readCache(db: Db): ReadCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new ReadCache(db);
    caches.set(db, cache);
  }
  return cache;
}

export const etagOf = (v: { id: string; revision: number }) => `"${v.id}.${v.revision}"`;
