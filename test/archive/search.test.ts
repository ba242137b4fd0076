import { describe, expect, it } from "vitest";
import { engine } from "../support/app.js";
import { AFTER_ALL, archive, setup, slugs } from "../support/archive-search.js";
import { makeEvent } from "../support/events.js";

describe(`archive search API (${engine})`, () => {
  it("ranks a title match above a description match, finds prefixes and returns a snippet", async () => {
    const { t, key } = await setup();
    const inDescription = await makeEvent(t, key, {
      title: "Security in Europe",
      startsAt: "2026-03-01T12:00",
      description: "A long talk that touches on Ukraine only once, among many other things.",
    });
    const inTitle = await makeEvent(t, key, { title: "Ukraine after the war", startsAt: "2026-02-01T12:00" });
    await makeEvent(t, key, { title: "Trade with Japan", startsAt: "2026-02-10T12:00" });
    t.clock.set(AFTER_ALL);
    expect(await slugs(t, { q: "ukraine" })).toEqual([inTitle.slug, inDescription.slug]);
    expect(await slugs(t, { q: "ukr" })).toEqual([inTitle.slug, inDescription.slug]);
    expect(await slugs(t, { q: "UKRAINE war" })).toEqual([inTitle.slug]);
    const hit = (await archive(t, { q: "ukr" })).data[1];
    expect(hit.snippet.filter((s: any) => s.match).map((s: any) => s.text)).toEqual(["Ukraine"]);
    expect(hit.snippet.map((s: any) => s.text).join("")).toContain("touches on Ukraine only once");
    // Without q: newest first, no snippet.
    const plain = await archive(t);
    expect(plain.data.map((e) => e.title)).toEqual([
      "Security in Europe",
      "Trade with Japan",
      "Ukraine after the war",
    ]);
    expect(plain.data[0].snippet).toBeNull();
  });

  it("finds non-ASCII text whatever the case or accents, and the non-breaking hyphen", async () => {
    const { t, key } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Ukraine\u2011Russia" } });
    const kyiv = await makeEvent(t, key, { title: "Київ after the summit", startsAt: "2026-02-01T12:00" });
    const latin = await makeEvent(t, key, { title: "Letters from Kyiv", startsAt: "2026-02-02T12:00" });
    const zurich = await makeEvent(t, key, { title: "The Zürich talks", startsAt: "2026-02-03T12:00" });
    const nbh = await makeEvent(t, key, {
      title: "Armistice lines",
      topics: ["ukraine-russia"],
      startsAt: "2026-02-04T12:00",
    });
    t.clock.set(AFTER_ALL);
    expect(await slugs(t, { q: "київ" })).toEqual([kyiv.slug]);
    expect(await slugs(t, { q: "КИЇВ" })).toEqual([kyiv.slug]);
    expect(await slugs(t, { q: "Киї" })).toEqual([kyiv.slug]);
    expect(await slugs(t, { q: "kyiv" })).toEqual([latin.slug]);
    expect(await slugs(t, { q: "Kyiv" })).toEqual([latin.slug]);
    expect(await slugs(t, { q: "zurich" })).toEqual([zurich.slug]);
    expect(await slugs(t, { q: "ZÜRICH" })).toEqual([zurich.slug]);
    expect(await slugs(t, { q: "Zu" })).toEqual([zurich.slug]);
    for (const q of ["ukraine russia", "Ukraine-Russia", "Ukraine\u2011Russia", "ukraine\u2013russ"]) {
      expect(await slugs(t, { q }), q).toEqual([nbh.slug]);
    }
  });

  it("never fails on query syntax typed by a reader", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, {
      title: "NEAR the front: AND then what?",
      startsAt: "2026-02-01T12:00",
    });
    t.clock.set(AFTER_ALL);
    const inputs = [
      '"',
      "*",
      "NEAR(",
      "(",
      ")",
      "AND",
      "AND OR",
      "OR",
      "NOT",
      "-",
      "^",
      ":",
      "''",
      '"a',
      "a*b",
      "title:x",
      "NEAR(a b, 2)",
      "{title}: x",
      "   ",
      "",
      "\u2011",
      "a\u0000b",
      "x'; DROP TABLE events; --",
      "🙂",
      "e\u0301",
    ];
    for (const q of inputs) {
      const res = await t.request("GET", `/api/v1/archive?${new URLSearchParams({ q })}`);
      expect(res.status, JSON.stringify(q)).toBe(200);
    }
    expect(await slugs(t, { q: "NEAR(" })).toEqual([e.slug]);
    expect(await slugs(t, { q: "and" })).toEqual([e.slug]);
    expect(await slugs(t, { q: '"' })).toEqual([e.slug]); // no term: no text filter
    expect(await slugs(t, { q: "   " })).toEqual([e.slug]);
  });

  it("shows only past published events: never drafts, upcoming or cancelled ones", async () => {
    const { t, key } = await setup();
    const past = await makeEvent(t, key, { title: "Past webinar", startsAt: "2025-11-01T12:00" });
    await makeEvent(t, key, { title: "Draft webinar", startsAt: "2025-11-02T12:00" }, { publish: false });
    const cancelled = await makeEvent(t, key, { title: "Cancelled webinar", startsAt: "2026-03-01T12:00" });
    await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key });
    const upcoming = await makeEvent(t, key, { title: "Upcoming webinar", startsAt: "2026-02-01T12:00" });
    expect(await slugs(t)).toEqual([past.slug]);
    expect(await slugs(t, { q: "webinar" })).toEqual([past.slug]);
    // During the event it is not in the archive yet; once it has ended, it is.
    t.clock.set("2026-02-01T17:30:00Z");
    expect(await slugs(t, { q: "webinar" })).toEqual([past.slug]);
    t.clock.set("2026-02-01T18:00:00Z");
    expect(await slugs(t)).toEqual([upcoming.slug, past.slug]);
    t.clock.set(AFTER_ALL);
    expect(await slugs(t, { q: "draft" })).toEqual([]);
    expect(await slugs(t, { q: "cancelled" })).toEqual([]);
  });
});
