import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { events } from "../../src/db/schema.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

const slugs = (res: { body: { data: { slug: string }[] } }) => res.body.data.map((e) => e.slug);

/** Search pages are reused while the archive is unchanged; these edits must show at once. */
describe(`cached archive searches never go stale (${engine})`, () => {
  it("shows a renamed speaker, a newly ended event, a cancellation and a new recording immediately", async () => {
    const t = await createTestApp({ now: "2026-03-01T12:00:00Z" });
    const key = await t.key(["admin"]);
    await t.request("POST", "/api/v1/people", { key, body: { name: "Daniel Davis" } });
    const first = await makeEvent(t, key, {
      title: "Drones over the Dnipro",
      startsAt: "2026-02-10T12:00",
      speakers: [{ person: "daniel-davis" }],
    });
    const later = await makeEvent(t, key, { title: "Drones and land power", startsAt: "2026-03-05T12:00" });
    const search = (q: string) => t.request("GET", `/api/v1/archive?${q}`);

    expect(slugs(await search("q=drones"))).toEqual([first.slug]);
    expect(slugs(await search("q=davis"))).toEqual([first.slug]);

    await t.request("PATCH", "/api/v1/people/daniel-davis", { key, body: { name: "Daniel L. Okafor" } });
    expect(slugs(await search("q=davis"))).toEqual([]);
    expect(slugs(await search("q=okafor"))).toEqual([first.slug]);

    t.clock.set("2026-03-06T12:00:00Z");
    expect(slugs(await search("q=drones")).sort()).toEqual([first.slug, later.slug].sort());

    expect(slugs(await search("hasRecording=true"))).toEqual([]);
    const rec = await t.request("POST", `/api/v1/events/${later.slug}/recordings`, {
      key,
      body: {
        kind: "video",
        provider: "youtube",
        url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        published: true,
      },
    });
    expect(rec.status).toBe(201);
    expect(slugs(await search("hasRecording=true"))).toEqual([later.slug]);

    await t.request("POST", `/api/v1/events/${first.slug}/cancel`, { key });
    expect(slugs(await search("q=drones"))).toEqual([later.slug]);
  });

  it("shows a change made straight in the database, outside the app, immediately", async () => {
    const t = await createTestApp({ now: "2026-03-01T12:00:00Z" });
    const key = await t.key(["admin"]);
    const kept = await makeEvent(t, key, { title: "Sanctions that worked", startsAt: "2026-02-10T12:00" });
    const pulled = await makeEvent(t, key, { title: "Sanctions that failed", startsAt: "2026-02-11T12:00" });
    const search = () => t.request("GET", "/api/v1/archive?q=sanctions");
    expect(slugs(await search()).sort()).toEqual([kept.slug, pulled.slug].sort());

    // An operator takes one event back to draft by hand: no revision, no updated_at.
    await t.db.update(events).set({ status: "draft" }).where(eq(events.slug, pulled.slug));
    expect(slugs(await search())).toEqual([kept.slug]);
  });
});
