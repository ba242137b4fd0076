import { describe, expect, it } from "vitest";
import { seedCatalog } from "../../src/cli/seed-catalog.js";
import { createTestApp, engine } from "../support/app.js";

describe(`the demo seed (${engine})`, () => {
  it("loads the catalogue's past events, briefs and people, plus labelled upcoming demos", async () => {
    const t = await createTestApp({ now: "2026-11-27T12:00:00Z" });
    const report = await seedCatalog(t.deps);
    expect(report.created).toEqual({ topics: 19, people: 5, briefs: 7, events: 6 });

    const past = await t.request("GET", "/api/v1/events?when=past");
    expect(past.body.data.map((e: { title: string }) => e.title)).toEqual([
      "Ukraine's critical choice: Pursue peace or fight on",
      "Trump and Ukraine: Prolonging or ending the war",
      "A 'bridge' to NATO or false hope for Ukraine?",
    ]);
    const critical = past.body.data[0];
    expect(critical).toMatchObject({ startsAt: "2025-04-16T16:00:00Z", timeZone: "America/New_York" });
    expect(critical.description).toContain("Demo data");
    expect(critical.briefs[0].slug).toBe("armed-neutrality-for-ukraine-is-natos-least-poor-option");
    expect(critical.topics.map((x: { slug: string }) => x.slug)).toContain("ukraine-russia");

    const upcoming = await t.request("GET", "/api/v1/events?when=upcoming");
    expect(upcoming.body.data).toHaveLength(3);
    for (const e of upcoming.body.data) expect(e.title).toMatch(/^\[Demo\]/);
  });

  it("changes nothing when run a second time", async () => {
    const t = await createTestApp();
    await seedCatalog(t.deps);
    const second = await seedCatalog(t.deps);
    expect(second.created).toEqual({ topics: 0, people: 0, briefs: 0, events: 0 });
    expect((await t.request("GET", "/api/v1/events?when=all&limit=100")).body.data).toHaveLength(6);
  });
});
