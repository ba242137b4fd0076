import { describe, expect, it } from "vitest";
import { eventBriefs, events } from "../../src/db/schema.js";
import { createTestApp, engine } from "../support/app.js";

/** An app with two authors and two topics, and helpers that read like the API. */
async function setup() {
  const t = await createTestApp();
  const key = await t.key(["events:write", "archive:write"]);
  const admin = await t.key(["admin"]);
  for (const name of ["Anna Kowalska", "Mark Evans"]) {
    await t.request("POST", "/api/v1/people", { key, body: { name, title: "Fellow" } });
  }
  for (const name of ["Ukraine\u2011Russia", "NATO"])
    await t.request("POST", "/api/v1/topics", { key, body: { name } });
  const create = (body: Record<string, unknown>) =>
    t.request("POST", "/api/v1/briefs", { key, body: { kind: "brief", ...body } });
  const patch = (slug: string, body: unknown) => t.request("PATCH", `/api/v1/briefs/${slug}`, { key, body });
  const list = async (query = "") => (await t.request("GET", `/api/v1/briefs${query}`)).body;
  const audit = async () =>
    (await t.request("GET", "/api/v1/audit-log?entityType=brief", { key: admin })).body.data as any[];
  return { t, key, create, patch, list, audit };
}

const fields = (body: any) => (body.errors ?? []).map((e: { field: string }) => e.field);
const anna = { slug: "anna-kowalska", name: "Anna Kowalska", title: "Fellow" };
const mark = { slug: "mark-evans", name: "Mark Evans", title: "Fellow" };
const nato = { slug: "nato", name: "NATO" };
const ukraine = { slug: "ukraine-russia", name: "Ukraine\u2011Russia" };

describe(`briefs (${engine})`, () => {
  it("creates a brief with ordered authors and its topics, and reads it back", async () => {
    const { t, create } = await setup();
    const res = await create({
      title: "Ukraine's critical choice: Pursue peace or fight on",
      kind: "explainer",
      url: "https://example.org/research/ukraine-choice",
      outlet: "Institute",
      publishedOn: "2026-01-10",
      summary: "What each path would cost.",
      authors: ["mark-evans", "anna-kowalska"],
      topics: ["ukraine-russia", "nato"],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      slug: "ukraines-critical-choice-pursue-peace-or-fight-on",
      title: "Ukraine's critical choice: Pursue peace or fight on",
      kind: "explainer",
      url: "https://example.org/research/ukraine-choice",
      outlet: "Institute",
      publishedOn: "2026-01-10",
      summary: "What each path would cost.",
      authors: [mark, anna],
      topics: [nato, ukraine],
      relatedEvents: [],
    });
    const read = await t.request("GET", `/api/v1/briefs/${res.body.slug}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(res.body);
  });

  it("makes slugs from titles, with the non-breaking hyphen as a dash and -2 for a repeat", async () => {
    const { create } = await setup();
    expect((await create({ title: "Ukraine\u2011Russia talks" })).body.slug).toBe("ukraine-russia-talks");
    expect((await create({ title: "Ukraine\u2011Russia talks" })).body.slug).toBe("ukraine-russia-talks-2");
  });

  it("refuses an explicit slug that is taken with 409", async () => {
    const { create, list } = await setup();
    await create({ title: "First", slug: "outlook" });
    const res = await create({ title: "Second", slug: "outlook" });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: "/problems/slug-taken" });
    expect((await list()).data).toHaveLength(1);
  });

  it("names an unknown author or topic slug by its position and creates nothing", async () => {
    const { create, list, audit } = await setup();
    const author = await create({ title: "A", authors: ["anna-kowalska", "nobody"], topics: ["nato"] });
    expect(author.status).toBe(422);
    expect(author.headers.get("content-type")).toBe("application/problem+json");
    expect(fields(author.body)).toEqual(["authors.1"]);
    const topic = await create({ title: "A", authors: ["anna-kowalska"], topics: ["arctic"] });
    expect(fields(topic.body)).toEqual(["topics.0"]);
    expect(fields((await create({ title: "A", authors: ["ghost"] })).body)).toEqual(["authors.0"]);
    expect((await list()).data).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it("names each invalid field in a 422: unknown field, kind, url, date and a repeated author", async () => {
    const { create, list } = await setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ title: "A", pages: 4 }, "pages"],
      [{ title: "A", kind: "tweet" }, "kind"],
      [{ title: "A", url: "ftp://example.org/a.pdf" }, "url"],
      [{ title: "A", url: "not a url" }, "url"],
      [{ title: "A", publishedOn: "2026-02-30" }, "publishedOn"],
      [{ title: "A", publishedOn: "10/01/2026" }, "publishedOn"],
      [{ title: "A", authors: ["anna-kowalska", "anna-kowalska"] }, "authors.1"],
      [{ title: "" }, "title"],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(fields(res.body)).toEqual([field]);
    }
    expect((await list()).data).toEqual([]);
  });

  it("accepts 29 February in a leap year", async () => {
    const { create } = await setup();
    expect((await create({ title: "Leap", publishedOn: "2028-02-29" })).status).toBe(201);
  });

  it("updates fields, replaces authors and topics when given and keeps them when not", async () => {
    const { create, patch } = await setup();
    await create({ title: "Outlook", authors: ["anna-kowalska"], topics: ["nato"], outlet: "FT" });
    const renamed = await patch("outlook", {
      title: "Outlook 2026",
      outlet: null,
      publishedOn: "2026-01-02",
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      slug: "outlook",
      title: "Outlook 2026",
      outlet: null,
      publishedOn: "2026-01-02",
      authors: [anna],
      topics: [nato],
    });
    const relinked = await patch("outlook", { authors: ["mark-evans", "anna-kowalska"], topics: [] });
    expect(relinked.body).toMatchObject({ title: "Outlook 2026", authors: [mark, anna], topics: [] });
  });

  it("reads back exactly what an update answered", async () => {
    const { t, create, patch } = await setup();
    await create({ title: "Outlook", authors: ["anna-kowalska"] });
    const res = await patch("outlook", { authors: ["mark-evans"], topics: ["ukraine-russia", "nato"] });
    expect((await t.request("GET", "/api/v1/briefs/outlook")).body).toEqual(res.body);
  });

  it("leaves a brief untouched when an update names an unknown topic", async () => {
    const { t, create, patch, audit } = await setup();
    const created = await create({ title: "Outlook", authors: ["anna-kowalska"], topics: ["nato"] });
    const res = await patch("outlook", {
      title: "Changed",
      authors: ["mark-evans"],
      topics: ["nato", "arctic"],
    });
    expect(res.status).toBe(422);
    expect(fields(res.body)).toEqual(["topics.1"]);
    expect((await t.request("GET", "/api/v1/briefs/outlook")).body).toEqual(created.body);
    expect(await audit()).toHaveLength(1);
  });

  it("deletes a brief together with its author and topic links", async () => {
    const { t, key, create } = await setup();
    await create({ title: "Outlook", authors: ["anna-kowalska"], topics: ["nato"] });
    expect((await t.request("DELETE", "/api/v1/briefs/outlook", { key })).status).toBe(204);
    expect((await t.request("GET", "/api/v1/briefs/outlook")).status).toBe(404);
    // With the links gone, the author and topic are free to delete.
    expect((await t.request("DELETE", "/api/v1/people/anna-kowalska", { key })).status).toBe(204);
    expect((await t.request("DELETE", "/api/v1/topics/nato", { key })).status).toBe(204);
  });

  it("refuses to delete a brief an event links to with 409 and keeps it", async () => {
    const { t, key, create, audit } = await setup();
    await create({ title: "Outlook", authors: ["anna-kowalska"] });
    // The events API is not part of this feature, so the event link is written directly.
    const now = new Date("2026-01-15T12:00:00Z");
    const [brief] = await t.db.query.briefs.findMany();
    await t.db.insert(events).values({
      id: "evt_1",
      slug: "webinar",
      title: "Webinar",
      format: "virtual",
      startsAt: new Date("2026-02-01T15:00:00Z"),
      endsAt: new Date("2026-02-01T16:00:00Z"),
      timeZone: "Europe/London",
      createdAt: now,
      updatedAt: now,
    });
    await t.db
      .insert(eventBriefs)
      .values({ eventId: "evt_1", briefId: brief!.id, relation: "background_reading", position: 0 });

    const res = await t.request("DELETE", "/api/v1/briefs/outlook", { key });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: "/problems/in-use" });
    expect((await t.request("GET", "/api/v1/briefs/outlook")).body.authors).toEqual([anna]);
    expect(await audit()).toHaveLength(1);
  });

  it("records create, update and delete in the audit log with links as slugs", async () => {
    const { t, key, create, patch, audit } = await setup();
    await create({ title: "Outlook", authors: ["anna-kowalska"], topics: ["nato"] });
    await patch("outlook", { authors: ["mark-evans"] });
    await t.request("DELETE", "/api/v1/briefs/outlook", { key });
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(["brief.delete", "brief.update", "brief.create"]);
    expect(entries[2].after).toMatchObject({ slug: "outlook", authors: ["anna-kowalska"], topics: ["nato"] });
    expect(entries[1]).toMatchObject({
      keyName: "test key",
      before: { authors: ["anna-kowalska"] },
      after: { authors: ["mark-evans"] },
    });
  });

  it("filters the list by topic, author and kind", async () => {
    const { create, list } = await setup();
    await create({ title: "One", kind: "report", authors: ["anna-kowalska"], topics: ["nato"] });
    await create({
      title: "Two",
      kind: "op-ed",
      authors: ["mark-evans"],
      topics: ["nato", "ukraine-russia"],
    });
    await create({ title: "Three", kind: "op-ed", authors: ["anna-kowalska", "mark-evans"] });
    const titles = async (q: string) => (await list(q)).data.map((b: any) => b.title).sort();
    expect(await titles("?topic=nato")).toEqual(["One", "Two"]);
    expect(await titles("?author=anna-kowalska")).toEqual(["One", "Three"]);
    expect(await titles("?kind=op-ed")).toEqual(["Three", "Two"]);
    expect(await titles("?kind=op-ed&author=anna-kowalska")).toEqual(["Three"]);
    expect(await titles("?topic=arctic")).toEqual([]);
  });

  it("pages newest first without duplicates or skips, undated briefs last, even as briefs are added", async () => {
    const { create, list } = await setup();
    const dates = ["2026-01-05", "2026-01-05", "2026-01-05", "2025-12-01", null, "2026-01-09", null];
    for (const [i, publishedOn] of dates.entries()) await create({ title: `Brief ${i}`, publishedOn });

    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await list(`?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...page.data);
      cursor = page.nextCursor;
      pages++;
      // A newer brief written mid-way belongs before the cursor, so it must not shift later pages.
      if (pages === 1) await create({ title: "Late news", publishedOn: "2026-02-01" });
    } while (cursor && pages < 10); // a broken cursor must fail the test, not hang it

    expect(pages).toBe(3);
    expect(seen.map((b) => b.title).sort()).toEqual([...dates.keys()].map((i) => `Brief ${i}`).sort());
    expect(seen.map((b) => b.publishedOn)).toEqual([
      "2026-01-09",
      "2026-01-05",
      "2026-01-05",
      "2026-01-05",
      "2025-12-01",
      null,
      null,
    ]);
    expect((await list("?limit=100")).data.map((b: any) => b.title)[0]).toBe("Late news");
  });

  it("refuses a forged cursor and an out-of-range limit with a 422 naming the parameter", async () => {
    const { t } = await setup();
    const cursor = await t.request("GET", "/api/v1/briefs?cursor=garbage");
    expect(cursor.status).toBe(422);
    expect(fields(cursor.body)).toEqual(["cursor"]);
    expect(fields((await t.request("GET", "/api/v1/briefs?limit=0")).body)).toEqual(["limit"]);
    expect(fields((await t.request("GET", "/api/v1/briefs?limit=101")).body)).toEqual(["limit"]);
  });

  it("lets anyone read briefs but only a key with archive:write change them", async () => {
    const { t } = await setup();
    const events = await t.key(["events:write"]);
    const body = { title: "A", kind: "brief" };
    expect((await t.request("POST", "/api/v1/briefs", { body })).status).toBe(401);
    expect((await t.request("POST", "/api/v1/briefs", { key: events, body })).status).toBe(403);
    expect((await t.request("GET", "/api/v1/briefs")).body).toEqual({ data: [], nextCursor: null });
  });

  it("documents the brief and person shapes in /openapi.json", async () => {
    const { t } = await setup();
    const doc = (await t.request("GET", "/openapi.json")).body;
    const brief = doc.paths["/api/v1/briefs/{slug}"].get.responses["200"].content["application/json"].schema;
    expect(Object.keys(brief.properties)).toEqual(
      expect.arrayContaining(["authors", "topics", "publishedOn"]),
    );
    const person = doc.paths["/api/v1/people"].post.responses["201"].content["application/json"].schema;
    expect(Object.keys(person.properties)).toEqual(expect.arrayContaining(["slug", "photoUrl"]));
    expect(doc.paths["/api/v1/briefs"].post["x-required-scope"]).toBe("archive:write");
  });
});
