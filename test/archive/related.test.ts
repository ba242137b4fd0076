import { describe, expect, it } from "vitest";
import { moreOnThisTopic, relatedEventsForBrief } from "../../src/features/archive/library/related.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

/** Two authors' worth of people, three topics and a brief by Anna on NATO and Ukraine. */
async function setup() {
  const t = await createTestApp({ now: "2026-06-01T12:00:00Z" });
  const key = await t.key(["admin"]);
  for (const name of ["Anna Kowalska", "Mark Evans"]) {
    await t.request("POST", "/api/v1/people", { key, body: { name } });
  }
  for (const name of ["NATO", "Ukraine", "Iran"])
    await t.request("POST", "/api/v1/topics", { key, body: { name } });
  const brief = await t.request("POST", "/api/v1/briefs", {
    key,
    body: {
      title: "Armed neutrality",
      kind: "op-ed",
      authors: ["anna-kowalska"],
      topics: ["nato", "ukraine"],
    },
  });
  const event = (title: string, day: string, links: Record<string, unknown>, publish = true) =>
    makeEvent(t, key, { title, startsAt: `${day}T12:00`, ...links }, { publish });
  return { t, key, brief, event };
}

const titles = (list: { title: string }[]) => list.map((e) => e.title);

describe(`related events (${engine})`, () => {
  it("lists a brief's explicit links first, then events ranked by shared topics + 2 x shared people", async () => {
    const { t, key, event } = await setup();
    await event("Old explicit", "2025-03-01", { briefs: [{ brief: "armed-neutrality" }] });
    await event("New explicit", "2026-03-01", {
      briefs: [{ brief: "armed-neutrality", relation: "published_after" }],
      topics: ["iran"],
    });
    await event("Draft explicit", "2026-03-02", { briefs: [{ brief: "armed-neutrality" }] }, false);
    await event("One topic", "2026-05-01", { topics: ["nato"] });
    await event("Two topics", "2025-06-01", { topics: ["nato", "ukraine"] });
    await event("Author speaks", "2025-09-01", { speakers: [{ person: "anna-kowalska" }] });
    await event("Author and topic", "2024-01-01", {
      topics: ["ukraine"],
      speakers: [{ person: "anna-kowalska", role: "moderator" }],
    });
    await event("Unrelated", "2026-05-02", { topics: ["iran"], speakers: [{ person: "mark-evans" }] });
    const cancelled = await event("Cancelled", "2026-05-03", { topics: ["nato", "ukraine"] });
    await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key });

    const res = await t.request("GET", "/api/v1/briefs/armed-neutrality");
    expect(res.status).toBe(200);
    const related = res.body.relatedEvents;
    expect(titles(related)).toEqual([
      "New explicit",
      "Old explicit",
      "Author and topic", // 1 + 2
      "Author speaks", // 2, newer than "Two topics"
      "Two topics", // 2
      "One topic", // 1
    ]);
    expect(related[0]).toMatchObject({ relation: "published_after", sharedTopics: 0, hasRecording: false });
    expect(related[1]).toMatchObject({ relation: "background_reading" });
    expect(related[2]).toMatchObject({ relation: null, sharedTopics: 1, sharedPeople: 1 });
    expect(related[0].startsAt).toBe("2026-03-01T17:00:00Z");

    const brief = (await t.request("GET", "/api/v1/briefs?limit=1")).body.data[0];
    expect(brief.relatedEvents).toBeUndefined();
    const doc = (await t.request("GET", "/openapi.json")).body;
    const schema = doc.paths["/api/v1/briefs/{slug}"].get.responses["200"].content["application/json"].schema;
    expect(Object.keys(schema.properties)).toContain("relatedEvents");
  });

  it("never lists an event twice and stops at the limit", async () => {
    const { t, event } = await setup();
    // Linked explicitly AND sharing topics and the author: listed once, among the explicit ones.
    await event("Both ways", "2025-01-01", {
      briefs: [
        { brief: "armed-neutrality", relation: "published_after" },
        { brief: "armed-neutrality", relation: "background_reading" },
      ],
      topics: ["nato", "ukraine"],
      speakers: [{ person: "anna-kowalska" }],
    });
    for (let i = 1; i <= 12; i++)
      await event(`Topic talk ${i}`, `2025-02-${String(i).padStart(2, "0")}`, { topics: ["nato"] });
    const related = (await t.request("GET", "/api/v1/briefs/armed-neutrality")).body.relatedEvents;
    expect(related).toHaveLength(10);
    expect(related[0]).toMatchObject({ title: "Both ways", relation: "background_reading" });
    expect(titles(related).slice(1, 3)).toEqual(["Topic talk 12", "Topic talk 11"]);
    const briefId = (await t.request("GET", "/api/v1/audit-log?entityType=brief", { key: await t.key() }))
      .body.data[0].entityId;
    expect(titles(await relatedEventsForBrief(t.db, briefId, 2))).toEqual(["Both ways", "Topic talk 12"]);
  });

  it("answers a brief's write like its read, related events included", async () => {
    const { t, key, event } = await setup();
    await event("On NATO", "2025-05-01", { topics: ["nato"] });
    const patched = await t.request("PATCH", "/api/v1/briefs/armed-neutrality", {
      key,
      body: { title: "New" },
    });
    expect(titles(patched.body.relatedEvents)).toEqual(["On NATO"]);
    expect((await t.request("GET", "/api/v1/briefs/armed-neutrality")).body).toEqual(patched.body);
  });

  it("finds more past events on an event's topics, most shared topics first", async () => {
    const { t, event } = await setup();
    const subject = await event("Subject", "2026-01-10", { topics: ["nato", "ukraine", "iran"] });
    await event("Shares one", "2026-02-01", { topics: ["iran"] });
    await event("Shares two, older", "2025-01-01", { topics: ["nato", "ukraine"] });
    await event("Shares two, newer", "2025-06-01", { topics: ["ukraine", "iran"] });
    await event("Upcoming", "2026-09-01", { topics: ["nato", "ukraine", "iran"] });
    await event("Draft", "2025-03-01", { topics: ["nato", "ukraine", "iran"] }, false);
    await event("Nothing shared", "2025-03-02", {});
    const more = await moreOnThisTopic(t.db, subject.id, 5, t.clock.now());
    expect(titles(more)).toEqual(["Shares two, newer", "Shares two, older", "Shares one"]);
    expect(more[0]).toMatchObject({ sharedTopics: 2, relation: null });
    expect(titles(await moreOnThisTopic(t.db, subject.id, 1, t.clock.now()))).toEqual(["Shares two, newer"]);
  });
});
