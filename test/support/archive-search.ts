import { eq } from "drizzle-orm";
import { events, recordingChapters, recordings } from "../../src/db/schema.js";
import { createTestApp, type TestApp } from "./app.js";

// The clock of these tests stands after every event they create, unless a test says otherwise.
export const AFTER_ALL = "2026-06-01T12:00:00Z";

export async function archive(t: TestApp, query: Record<string, string> = {}) {
  const res = await t.request("GET", `/api/v1/archive?${new URLSearchParams(query)}`);
  if (res.status !== 200) throw new Error(`archive ${res.status}: ${res.text}`);
  return res.body as { data: any[]; nextCursor: string | null };
}
export const slugs = async (t: TestApp, query: Record<string, string> = {}) =>
  (await archive(t, query)).data.map((e) => e.slug);

/** Every page of a query, following nextCursor. */
export async function allPages(t: TestApp, query: Record<string, string>) {
  const out: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page = await archive(t, cursor ? { ...query, cursor } : query);
    out.push(...page.data.map((e) => e.slug));
    cursor = page.nextCursor;
    if (!cursor) return out;
  }
  throw new Error("pagination does not end");
}

/**
 * Until POST /api/v1/events/:idOrSlug/recordings exists (another engineer builds it), tests
 * insert recordings rows directly, as that endpoint will.
 */
export async function addRecording(
  t: TestApp,
  slug: string,
  opts: { published?: boolean; chapters?: string[] } = {},
) {
  const [ev] = await t.db.select({ id: events.id }).from(events).where(eq(events.slug, slug));
  const id = `rec_${slug}`;
  const now = t.clock.now();
  await t.db.insert(recordings).values({
    id,
    eventId: ev!.id,
    kind: "video",
    provider: "youtube",
    url: `https://www.youtube.com/watch?v=${slug.slice(0, 11)}`,
    title: "Full recording",
    durationSeconds: 3600,
    published: opts.published ?? true,
    publishedAt: opts.published === false ? null : now,
    demo: true,
    createdAt: now,
    updatedAt: now,
  });
  for (const [position, title] of (opts.chapters ?? []).entries()) {
    await t.db
      .insert(recordingChapters)
      .values({ recordingId: id, position, startSeconds: position * 600, title });
  }
}

export async function setup() {
  const t = await createTestApp();
  const key = await t.key(["admin"]);
  return { t, key };
}
