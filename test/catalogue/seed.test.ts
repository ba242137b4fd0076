import { describe, expect, it } from "vitest";
import { seedCatalog } from "../../src/cli/seed-catalog.js";
import { createTestApp, engine } from "../support/app.js";

const ARMED_NEUTRALITY = "armed-neutrality-for-ukraine-is-natos-least-poor-option";

describe(`the demo seed (${engine})`, () => {
  it("loads the catalogue's past events, briefs and people, plus labelled upcoming demos", async () => {
    const t = await createTestApp({ now: "2026-11-27T12:00:00Z" });
    const report = await seedCatalog(t.deps);
    expect(report.created).toEqual({ topics: 19, people: 5, briefs: 7, events: 6, recordings: 3 });

    const past = await t.request("GET", "/api/v1/events?when=past");
    expect(past.body.data.map((e: { title: string }) => e.title)).toEqual([
      "Ukraine's critical choice: Pursue peace or fight on",
      "Trump and Ukraine: Prolonging or ending the war",
      "A 'bridge' to NATO or false hope for Ukraine?",
    ]);
    const critical = past.body.data[0];
    expect(critical).toMatchObject({ startsAt: "2025-04-16T16:00:00Z", timeZone: "America/New_York" });
    expect(critical.description).toContain("Demo data");
    expect(critical.briefs[0]).toMatchObject({ slug: ARMED_NEUTRALITY, relation: "background_reading" });
    expect(critical.topics.map((x: { slug: string }) => x.slug)).toContain("ukraine-russia");

    const upcoming = await t.request("GET", "/api/v1/events?when=upcoming");
    expect(upcoming.body.data).toHaveLength(3);
    for (const e of upcoming.body.data) expect(e.title).toMatch(/^\[Demo\]/);
  });

  it("links briefs that followed an event within 90 days on its topics as published_after", async () => {
    const t = await createTestApp({ now: "2026-11-27T12:00:00Z" });
    await seedCatalog(t.deps);
    const [critical, trump, bridge] = (await t.request("GET", "/api/v1/events?when=past")).body.data;
    const followUps = (e: { briefs: { relation: string; publishedOn: string }[] }) =>
      e.briefs.filter((b) => b.relation === "published_after");
    // The five May 2025 op-eds on Ukraine, oldest first; not the one on Iran (no shared topic).
    expect(followUps(critical).map((b) => b.publishedOn)).toEqual([
      "2025-05-21",
      "2025-05-23",
      "2025-05-27",
      "2025-05-27",
      "2025-05-28",
    ]);
    for (const b of followUps(critical)) expect(b.publishedOn > critical.startsAt.slice(0, 10)).toBe(true);
    expect(followUps(trump).map((b: any) => b.slug)).toEqual([ARMED_NEUTRALITY]);
    expect(followUps(bridge)).toEqual([]);

    const brief = (await t.request("GET", `/api/v1/briefs/${ARMED_NEUTRALITY}`)).body;
    expect(brief.relatedEvents.slice(0, 2)).toMatchObject([
      { title: critical.title, relation: "background_reading", hasRecording: true },
      { title: trump.title, relation: "published_after", hasRecording: true },
    ]);
  });

  it("gives each past event a published demo recording, clearly labelled, with chapters", async () => {
    const t = await createTestApp({ now: "2026-11-27T12:00:00Z" });
    await seedCatalog(t.deps);
    const past = (await t.request("GET", "/api/v1/events?when=past")).body.data;
    const linked: string[] = [];
    for (const e of past) {
      const { data } = (await t.request("GET", `/api/v1/events/${e.slug}/recordings`)).body;
      expect(data).toHaveLength(1);
      const [rec] = data;
      expect(rec).toMatchObject({ demo: true, published: true, title: `[Demo recording] ${e.title}` });
      expect(rec.url).toMatch(/^https:\/\/(www\.youtube\.com\/watch\?v=DEMO|media\.example\.org\/demo\/)/);
      expect(rec.publishedAt > e.endsAt).toBe(true);
      expect(rec.chapters.length).toBeGreaterThanOrEqual(2);
      expect(rec.chapters.length).toBeLessThanOrEqual(3);
      for (const c of rec.chapters) if (c.brief) linked.push(`${e.slug}:${c.brief.slug}`);
    }
    expect(linked).toEqual([`${past[0].slug}:${ARMED_NEUTRALITY}`]);
    const upcoming = (await t.request("GET", "/api/v1/events?when=upcoming")).body.data;
    const none = await t.request("GET", `/api/v1/events/${upcoming[0].slug}/recordings`);
    expect(none.body.data).toEqual([]);
  });

  it("changes nothing when run a second time", async () => {
    const t = await createTestApp();
    await seedCatalog(t.deps);
    const key = await t.key();
    const audit = async () =>
      (await t.request("GET", "/api/v1/audit-log?limit=100", { key })).body.data.length;
    const before = await audit();
    const second = await seedCatalog(t.deps);
    expect(second.created).toEqual({ topics: 0, people: 0, briefs: 0, events: 0, recordings: 0 });
    expect(await audit()).toBe(before);
    const all = (await t.request("GET", "/api/v1/events?when=all&limit=100")).body.data;
    expect(all).toHaveLength(6);
    const recordings = await Promise.all(
      all.map(
        async (e: { slug: string }) =>
          (await t.request("GET", `/api/v1/events/${e.slug}/recordings`)).body.data,
      ),
    );
    expect(recordings.flat()).toHaveLength(3);
  });

  it("recognises its own events, not a staff event that took the slug first, and drops none (the README's order)", async () => {
    const t = await createTestApp({ now: "2026-11-27T12:00:00Z" });
    const key = await t.key();
    // The README's first example: staff create an event with the catalogue's own title.
    const staff = await t.request("POST", "/api/v1/events", {
      key,
      body: {
        title: "Ukraine's critical choice: Pursue peace or fight on",
        startsAt: "2026-12-10T12:00",
        timeZone: "America/New_York",
      },
    });
    expect(staff.body.slug).toBe("ukraines-critical-choice-pursue-peace-or-fight-on");
    const first = await seedCatalog(t.deps);
    expect(first.created.events).toBe(6);
    const past = await t.request("GET", "/api/v1/events?when=past");
    expect(past.body.data).toHaveLength(3);
    const ours = past.body.data.find((e: { title: string }) =>
      e.title.startsWith("Ukraine's critical choice"),
    );
    expect(ours.slug).toBe("ukraines-critical-choice-pursue-peace-or-fight-on-2");
    expect((await t.request("GET", "/api/v1/archive")).body.data).toHaveLength(3);
    // Its demo recording went to the seed's own event, not the staff one.
    expect(
      (await t.request("GET", `/api/v1/events/${ours.slug}/recordings`, { key })).body.data,
    ).toHaveLength(1);
    // And a second run knows all six as its own.
    const second = await seedCatalog(t.deps);
    expect(second.created.events).toBe(0);
  });
});
