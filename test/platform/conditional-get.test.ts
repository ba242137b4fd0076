import { describe, expect, it } from "vitest";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

/**
 * One conditional-GET rule (src/lib/conditional.ts) on every kind of route that answers 304:
 * weak comparison against a list, whatever the route's own ETag looks like.
 */

async function setup() {
  const t = await createTestApp({ now: "2026-01-15T12:00:00Z" });
  const key = await t.key(["admin"]);
  const past = await makeEvent(t, key, { title: "Past", startsAt: "2026-01-10T12:00" });
  const rec = await t.request("POST", `/api/v1/events/${past.slug}/recordings`, {
    key,
    body: { kind: "video", provider: "youtube", url: "https://youtu.be/aaaaaaaaaaa", published: true },
  });
  expect(rec.status).toBe(201);
  return { t, past };
}

async function revalidate(t: TestApp, path: string) {
  const first = await t.request("GET", path);
  expect(first.status).toBe(200);
  const etag = first.headers.get("etag")!;
  expect(etag).toMatch(/^"[^"]+"$/);
  const get = (inm: string) => t.request("GET", path, { headers: { "if-none-match": inm } });
  return { first, etag, get };
}

describe(`conditional GET on every route kind (${engine})`, () => {
  for (const [kind, path] of [
    ["event JSON read", (slug: string) => `/api/v1/events/${slug}`],
    ["calendar", () => "/calendar.ics"],
    ["one event's calendar", (slug: string) => `/events/${slug}.ics`],
    ["archive RSS feed", () => "/archive/feed.xml"],
    ["archive JSON feed", () => "/archive/feed.json"],
  ] as const) {
    it(`${kind}: a weak tag in a list gets 304 with the 200's validators`, async () => {
      const { t, past } = await setup();
      const { first, etag, get } = await revalidate(t, path(past.slug));

      const hit = await get(`W/${etag}, "other"`);
      expect(hit.status).toBe(304);
      expect(hit.text).toBe("");
      expect(hit.headers.get("etag")).toBe(etag);
      expect(hit.headers.get("cache-control")).toBe(first.headers.get("cache-control"));
      expect(hit.headers.get("content-type")).toBeNull();

      expect((await get(`"other", ${etag}`)).status).toBe(304);
      expect((await get("*")).status).toBe(304);
      for (const miss of ['"other"', `W/"x", "y"`, etag.slice(1, -1), `${etag} junk`]) {
        const res = await get(miss);
        expect(res.status, miss).toBe(200);
        expect(res.text, miss).toBe(first.text);
      }
    });
  }

  it("a tag that holds a comma is one tag: it does not match ours", async () => {
    const { t, past } = await setup();
    const { etag, get } = await revalidate(t, `/api/v1/events/${past.slug}`);
    expect((await get(`"x,${etag.slice(1)}`)).status).toBe(200);
  });
});
