import { describe, expect, it } from "vitest";
import { engine } from "../support/app.js";
import { AFTER_ALL, addRecording, allPages, archive, setup, slugs } from "../support/archive-search.js";
import { makeEvent } from "../support/events.js";

describe(`archive search API: filters, paging, errors (${engine})`, () => {
  it("combines topic, person, year (in the event's zone), format and recording filters", async () => {
    const { t, key } = await setup();
    await t.request("POST", "/api/v1/people", { key, body: { name: "Rajan Menon" } });
    await t.request("POST", "/api/v1/topics", { key, body: { name: "NATO" } });
    await t.request("POST", "/api/v1/briefs", { key, body: { title: "Armed neutrality", kind: "op-ed" } });
    const menon = [{ person: "rajan-menon", role: "moderator" }];
    // 20:00 on 31 December in New York is 01:00 on 1 January UTC: a 2025 event for its audience.
    const nye = await makeEvent(t, key, {
      title: "New Year's Eve panel",
      speakers: menon,
      topics: ["nato"],
      startsAt: "2025-12-31T20:00",
    });
    const inPerson = await makeEvent(t, key, {
      title: "Hall debate",
      speakers: menon,
      topics: ["nato"],
      format: "in_person",
      venue: "Main hall",
      startsAt: "2026-02-01T12:00",
    });
    const recorded = await makeEvent(t, key, {
      title: "Recorded briefing",
      speakers: menon,
      topics: ["nato"],
      briefs: [{ brief: "armed-neutrality", relation: "published_after" }],
      startsAt: "2026-03-01T12:00",
    });
    const other = await makeEvent(t, key, { title: "Unrelated talk", startsAt: "2026-03-02T12:00" });
    const tokyo = await makeEvent(t, key, {
      title: "Tokyo new year",
      startsAt: "2026-01-01T09:00",
      timeZone: "Asia/Tokyo",
    });
    await addRecording(t, recorded.slug, { chapters: ["Opening remarks on deterrence"] });
    await addRecording(t, other.slug, { published: false });
    t.clock.set(AFTER_ALL);

    expect(await slugs(t, { year: "2025" })).toEqual([nye.slug]);
    expect(await slugs(t, { year: "2026", topic: "nato" })).toEqual([recorded.slug, inPerson.slug]);
    expect(await slugs(t, { year: "2026" })).toContain(tokyo.slug); // 00:00 UTC on 1 January is 09:00 in Tokyo
    expect(await slugs(t, { person: "rajan-menon", format: "in_person" })).toEqual([inPerson.slug]);
    expect(await slugs(t, { hasRecording: "true" })).toEqual([recorded.slug]);
    expect(await slugs(t, { hasRecording: "false", topic: "nato" })).toEqual([inPerson.slug, nye.slug]);
    expect(await slugs(t, { q: "deterrence", person: "rajan-menon", hasRecording: "1" })).toEqual([
      recorded.slug,
    ]);
    expect(await slugs(t, { q: "neutrality" })).toEqual([recorded.slug]);
    expect(await slugs(t, { topic: "nato", person: "nobody" })).toEqual([]);
    // Empty parameters, as an HTML form sends them, mean "no filter".
    expect(
      await slugs(t, { q: "", topic: "", person: "", year: "", format: "", hasRecording: "" }),
    ).toHaveLength(5);

    const item = (await archive(t, { q: "recorded" })).data[0];
    expect(item).toMatchObject({
      slug: recorded.slug,
      url: `https://events.example.org/archive/${recorded.slug}`,
      status: "published",
      startsAt: "2026-03-01T17:00:00Z",
      timeZone: "America/New_York",
      local: { startsAt: "2026-03-01T12:00:00", utcOffset: "-05:00" },
      speakers: [{ slug: "rajan-menon", name: "Rajan Menon", role: "moderator" }],
      topics: [{ slug: "nato", name: "NATO" }],
      briefs: [{ slug: "armed-neutrality", title: "Armed neutrality", relation: "published_after" }],
      recordings: [
        {
          kind: "video",
          provider: "youtube",
          durationSeconds: 3600,
          demo: true,
          chapters: [{ startSeconds: 0, title: "Opening remarks on deterrence", brief: null }],
        },
      ],
    });
    expect(JSON.stringify(item)).not.toContain("zoom.example.com");
  });

  it("pages without duplicates or gaps, ranked and unranked, also with ties", async () => {
    const { t, key } = await setup();
    const made: string[] = [];
    for (let i = 0; i < 13; i++) {
      // Pairs share a start time (ties on starts_at); identical titles tie on bm25.
      const day = String(1 + Math.floor(i / 2)).padStart(2, "0");
      const title = i % 3 === 0 ? "Sanctions policy review" : "Sanctions and sanctions policy";
      made.push((await makeEvent(t, key, { title, startsAt: `2026-02-${day}T12:00` })).slug);
    }
    t.clock.set(AFTER_ALL);
    for (const q of [{}, { q: "sanctions" }, { q: "sanctions pol" }] as Record<string, string>[]) {
      const whole = (await archive(t, { ...q, limit: "100" })).data.map((e) => e.slug);
      expect(whole).toHaveLength(13);
      for (const limit of ["1", "4", "5"]) {
        expect(await allPages(t, { ...q, limit }), `${JSON.stringify(q)} limit ${limit}`).toEqual(whole);
      }
    }
    expect(new Set(made).size).toBe(13);
  });

  it("answers 422 naming the field for bad parameters", async () => {
    const { t } = await setup();
    const ranked = await archive(t, { q: "x" }); // empty archive: no cursor to take
    expect(ranked.nextCursor).toBeNull();
    const cases: [string, string][] = [
      ["year=abc", "year"],
      ["year=20250", "year"],
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["format=webinar", "format"],
      ["hasRecording=maybe", "hasRecording"],
      ["topic=Not%20A%20Slug", "topic"],
      ["cursor=nonsense", "cursor"],
      [`cursor=${btoa(JSON.stringify(["r", 1.5, "evt_x"]))}`, "cursor"], // a ranked cursor without q
      [`q=x&cursor=${btoa(JSON.stringify(["d", 1, "evt_x"]))}`, "cursor"],
    ];
    for (const [query, field] of cases) {
      const res = await t.request("GET", `/api/v1/archive?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(
        res.body.errors.map((e: any) => e.field),
        query,
      ).toContain(field);
    }
  });

  it("is documented in the OpenAPI document", async () => {
    const { t } = await setup();
    const doc = (await t.request("GET", "/openapi.json")).body;
    const op = doc.paths["/api/v1/archive"].get;
    expect(op.parameters.map((p: any) => p.name)).toEqual(
      expect.arrayContaining(["q", "topic", "person", "year", "format", "hasRecording", "limit", "cursor"]),
    );
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "422"]));
  });
});
