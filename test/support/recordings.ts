import { sql } from "drizzle-orm";
import { sqlAll } from "../../src/db/batch.js";
import { createTestApp, type TestApp } from "./app.js";
import { makeEvent } from "./events.js";

export const YT = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
export const fields = (body: any) => (body.errors ?? []).map((e: { field: string }) => e.field);

/** A past published event, a brief, an archive:write key and helpers that read like the API. */
export async function setup() {
  const t = await createTestApp({ now: "2026-05-01T12:00:00Z" });
  const key = await t.key(["archive:write"]);
  const admin = await t.key(["admin"]);
  await t.request("POST", "/api/v1/briefs", {
    key,
    body: { title: "Armed Neutrality for Ukraine", kind: "op-ed", publishedOn: "2026-02-18" },
  });
  const event = await makeEvent(t, admin, { startsAt: "2026-04-16T12:00" });
  const post = (body: Record<string, unknown>, slug = event.slug, k = key) =>
    t.request("POST", `/api/v1/events/${slug}/recordings`, {
      key: k,
      body: { kind: "video", provider: "youtube", url: YT, ...body },
    });
  const audit = async () =>
    (await t.request("GET", "/api/v1/audit-log?entityType=recording&limit=100", { key: admin })).body
      .data as any[];
  const etag = async () => (await t.request("GET", `/api/v1/events/${event.slug}`)).headers.get("etag");
  return { t, key, admin, event, post, audit, etag };
}

export async function ftsSlugs(t: TestApp, match: string) {
  const rows = await sqlAll<{ slug: string }>(
    t.db,
    sql`SELECT e.slug FROM archive_fts JOIN events e ON e.rowid = archive_fts.rowid WHERE archive_fts MATCH ${match}`,
  );
  return rows.map((r) => r.slug);
}
