import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";

async function setup() {
  const t = await createTestApp();
  const key = await t.key(["events:write", "archive:write"]);
  const admin = await t.key(["admin"]);
  const audit = async () =>
    (await t.request("GET", "/api/v1/audit-log?entityType=topic", { key: admin })).body.data as any[];
  return { t, key, audit };
}

const fields = (body: any) => (body.errors ?? []).map((e: { field: string }) => e.field);

describe(`topics (${engine})`, () => {
  it("creates a topic with a slug from its name, reads it and lists topics by name", async () => {
    const { t, key } = await setup();
    const nato = await t.request("POST", "/api/v1/topics", { key, body: { name: "NATO" } });
    expect(nato.status).toBe(201);
    expect(nato.body).toEqual({ slug: "nato", name: "NATO" });
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Energy security" } });

    const read = await t.request("GET", "/api/v1/topics/nato");
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ slug: "nato", name: "NATO" });
    const list = await t.request("GET", "/api/v1/topics");
    expect(list.body.data.map((x: any) => x.name)).toEqual(["Energy security", "NATO"]);
  });

  it("turns the non-breaking hyphen of Ukraine‑Russia into a plain dash in the slug", async () => {
    const { t, key } = await setup();
    const res = await t.request("POST", "/api/v1/topics", { key, body: { name: "Ukraine\u2011Russia" } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ slug: "ukraine-russia", name: "Ukraine\u2011Russia" });
  });

  it("gives a second topic with the same name the slug ending in -2", async () => {
    const { t, key } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Arctic" } });
    const second = await t.request("POST", "/api/v1/topics", { key, body: { name: "Arctic" } });
    expect(second.status).toBe(201);
    expect(second.body.slug).toBe("arctic-2");
  });

  it("refuses an explicit slug that is already taken with 409 and creates nothing", async () => {
    const { t, key } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Arctic" } });
    const res = await t.request("POST", "/api/v1/topics", { key, body: { name: "Polar", slug: "arctic" } });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: "/problems/slug-taken" });
    expect((await t.request("GET", "/api/v1/topics")).body.data).toHaveLength(1);
  });

  it("names an unknown field in a 422 problem and creates nothing", async () => {
    const { t, key, audit } = await setup();
    const res = await t.request("POST", "/api/v1/topics", { key, body: { name: "NATO", colour: "blue" } });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(fields(res.body)).toEqual(["colour"]);
    expect((await t.request("GET", "/api/v1/topics")).body.data).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it("refuses a blank name and an invalid explicit slug, naming each field", async () => {
    const { t, key } = await setup();
    const res = await t.request("POST", "/api/v1/topics", { key, body: { name: "  ", slug: "Not A Slug" } });
    expect(res.status).toBe(422);
    expect(fields(res.body).sort()).toEqual(["name", "slug"]);
  });

  it("renames a topic while its slug stays the same", async () => {
    const { t, key } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Nato" } });
    const res = await t.request("PATCH", "/api/v1/topics/nato", { key, body: { name: "NATO alliance" } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ slug: "nato", name: "NATO alliance" });
    expect((await t.request("GET", "/api/v1/topics/nato")).body.name).toBe("NATO alliance");
  });

  it("answers 404 for an unknown topic on read, update and delete", async () => {
    const { t, key } = await setup();
    expect((await t.request("GET", "/api/v1/topics/nope")).status).toBe(404);
    expect((await t.request("PATCH", "/api/v1/topics/nope", { key, body: { name: "X" } })).status).toBe(404);
    expect((await t.request("DELETE", "/api/v1/topics/nope", { key })).status).toBe(404);
  });

  it("deletes an unused topic", async () => {
    const { t, key } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Arctic" } });
    expect((await t.request("DELETE", "/api/v1/topics/arctic", { key })).status).toBe(204);
    expect((await t.request("GET", "/api/v1/topics/arctic")).status).toBe(404);
  });

  it("refuses to delete a topic a brief uses with 409 and changes nothing", async () => {
    const { t, key, audit } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "NATO" } });
    await t.request("POST", "/api/v1/briefs", {
      key,
      body: { title: "Summit takeaways", kind: "brief", topics: ["nato"] },
    });
    const entries = (await audit()).length;

    const res = await t.request("DELETE", "/api/v1/topics/nato", { key });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ type: "/problems/in-use", status: 409 });
    expect((await t.request("GET", "/api/v1/topics/nato")).status).toBe(200);
    const brief = await t.request("GET", "/api/v1/briefs/summit-takeaways");
    expect(brief.body.topics).toEqual([{ slug: "nato", name: "NATO" }]);
    expect(await audit()).toHaveLength(entries);
  });

  it("records create, rename and delete in the audit log with the key that did it", async () => {
    const { t, key, audit } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Arctic" } });
    await t.request("PATCH", "/api/v1/topics/arctic", { key, body: { name: "The Arctic" } });
    await t.request("DELETE", "/api/v1/topics/arctic", { key });
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(["topic.delete", "topic.update", "topic.create"]);
    expect(entries[1]).toMatchObject({
      keyName: "test key",
      before: { name: "Arctic" },
      after: { name: "The Arctic" },
    });
  });

  it("lets anyone read topics but only a key with events:write change them", async () => {
    const { t } = await setup();
    const reader = await t.key(["events:read"]);
    expect((await t.request("POST", "/api/v1/topics", { body: { name: "NATO" } })).status).toBe(401);
    const forbidden = await t.request("POST", "/api/v1/topics", { key: reader, body: { name: "NATO" } });
    expect(forbidden.status).toBe(403);
    expect((await t.request("GET", "/api/v1/topics")).body.data).toEqual([]);
  });
});
