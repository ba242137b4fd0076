import { describe, expect, it } from "vitest";
import { eventPeople, events } from "../../src/db/schema.js";
import { createTestApp, engine } from "../support/app.js";

async function setup() {
  const t = await createTestApp();
  const key = await t.key(["events:write", "archive:write"]);
  const admin = await t.key(["admin"]);
  const audit = async () =>
    (await t.request("GET", "/api/v1/audit-log?entityType=person", { key: admin })).body.data as any[];
  const create = (body: unknown) => t.request("POST", "/api/v1/people", { key, body });
  return { t, key, audit, create };
}

const fields = (body: any) => (body.errors ?? []).map((e: { field: string }) => e.field);

const anna = {
  name: "Anna Kowalska",
  title: "Senior Fellow",
  affiliation: "Europe Programme",
  bio: "Works on Central European security.",
  photoUrl: "https://cdn.example.org/anna.jpg",
};

describe(`people (${engine})`, () => {
  it("creates a person with every field and reads them back", async () => {
    const { t, create } = await setup();
    const res = await create(anna);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ slug: "anna-kowalska", ...anna });
    expect((await t.request("GET", "/api/v1/people/anna-kowalska")).body).toEqual(res.body);
  });

  it("creates a person from a name alone, leaving the other fields null", async () => {
    const { create } = await setup();
    const res = await create({ name: "José Müller" });
    expect(res.body).toEqual({
      slug: "jose-muller",
      name: "José Müller",
      title: null,
      affiliation: null,
      bio: null,
      photoUrl: null,
    });
  });

  it("lists people ordered by name", async () => {
    const { t, create } = await setup();
    for (const name of ["Zofia Nowak", "Anna Kowalska", "Mark Evans"]) await create({ name });
    const list = await t.request("GET", "/api/v1/people");
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: any) => p.name)).toEqual(["Anna Kowalska", "Mark Evans", "Zofia Nowak"]);
  });

  it("gives a namesake the slug ending in -2 and refuses a taken explicit slug with 409", async () => {
    const { t, create } = await setup();
    await create({ name: "Mark Evans" });
    expect((await create({ name: "Mark Evans" })).body.slug).toBe("mark-evans-2");
    const taken = await create({ name: "M. Evans", slug: "mark-evans" });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ type: "/problems/slug-taken" });
    expect((await t.request("GET", "/api/v1/people")).body.data).toHaveLength(2);
  });

  it("names an unknown field, a missing name and a non-http photo URL in a 422 and creates nothing", async () => {
    const { t, create, audit } = await setup();
    const unknown = await create({ name: "Anna", twitter: "@anna" });
    expect(unknown.status).toBe(422);
    expect(unknown.headers.get("content-type")).toBe("application/problem+json");
    expect(fields(unknown.body)).toEqual(["twitter"]);
    expect(fields((await create({ title: "Fellow" })).body)).toEqual(["name"]);
    const photo = await create({ name: "Anna", photoUrl: "javascript:alert(1)" });
    expect(photo.status).toBe(422);
    expect(fields(photo.body)).toEqual(["photoUrl"]);
    // An http photo would be stored and never shown (mixed content, the pages' CSP): refused.
    const plain = await create({ name: "Anna", photoUrl: "http://cdn.example.org/anna.jpg" });
    expect(plain.status).toBe(422);
    expect(plain.body.errors[0]).toMatchObject({ field: "photoUrl", message: "must be an https URL" });
    expect((await t.request("GET", "/api/v1/people")).body.data).toEqual([]);
    expect(await audit()).toEqual([]);
  });

  it("updates only the given fields, keeps the slug and clears a field sent as null or blank", async () => {
    const { t, key, create } = await setup();
    await create(anna);
    const res = await t.request("PATCH", "/api/v1/people/anna-kowalska", {
      key,
      body: { name: "Anna Kowalska-Smith", title: "Director", bio: null, photoUrl: null, affiliation: " " },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      slug: "anna-kowalska",
      name: "Anna Kowalska-Smith",
      title: "Director",
      affiliation: null,
      bio: null,
      photoUrl: null,
    });
    expect((await t.request("GET", "/api/v1/people/anna-kowalska")).body).toEqual(res.body);
  });

  it("refuses to clear the name and leaves the person unchanged", async () => {
    const { t, key, create } = await setup();
    await create(anna);
    const res = await t.request("PATCH", "/api/v1/people/anna-kowalska", {
      key,
      body: { name: null, title: "Director" },
    });
    expect(res.status).toBe(422);
    expect(fields(res.body)).toEqual(["name"]);
    expect((await t.request("GET", "/api/v1/people/anna-kowalska")).body.title).toBe("Senior Fellow");
  });

  it("answers 404 for an unknown person on read, update and delete", async () => {
    const { t, key } = await setup();
    expect((await t.request("GET", "/api/v1/people/nobody")).status).toBe(404);
    expect((await t.request("PATCH", "/api/v1/people/nobody", { key, body: { title: "X" } })).status).toBe(
      404,
    );
    expect((await t.request("DELETE", "/api/v1/people/nobody", { key })).status).toBe(404);
  });

  it("deletes a person nobody links to", async () => {
    const { t, key, create } = await setup();
    await create(anna);
    expect((await t.request("DELETE", "/api/v1/people/anna-kowalska", { key })).status).toBe(204);
    expect((await t.request("GET", "/api/v1/people/anna-kowalska")).status).toBe(404);
  });

  it("refuses to delete the author of a brief with 409 until the brief drops them", async () => {
    const { t, key, create, audit } = await setup();
    await create(anna);
    await t.request("POST", "/api/v1/briefs", {
      key,
      body: { title: "Poland's defence spending", kind: "report", authors: ["anna-kowalska"] },
    });
    const entries = (await audit()).length;

    const refused = await t.request("DELETE", "/api/v1/people/anna-kowalska", { key });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: "/problems/in-use" });
    expect((await t.request("GET", "/api/v1/people/anna-kowalska")).status).toBe(200);
    expect((await t.request("GET", "/api/v1/briefs/polands-defence-spending")).body.authors).toHaveLength(1);
    expect(await audit()).toHaveLength(entries);

    await t.request("PATCH", "/api/v1/briefs/polands-defence-spending", { key, body: { authors: [] } });
    expect((await t.request("DELETE", "/api/v1/people/anna-kowalska", { key })).status).toBe(204);
  });

  it("refuses to delete a speaker of an event with 409", async () => {
    const { t, key, create } = await setup();
    await create(anna);
    // The events API is not part of this feature, so the speaker link is written directly.
    const now = new Date("2026-01-15T12:00:00Z");
    const [person] = await t.db.query.people.findMany();
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
      .insert(eventPeople)
      .values({ eventId: "evt_1", personId: person!.id, role: "speaker", position: 0 });

    const res = await t.request("DELETE", "/api/v1/people/anna-kowalska", { key });
    expect(res.status).toBe(409);
    expect((await t.request("GET", "/api/v1/people/anna-kowalska")).status).toBe(200);
  });

  it("records create, update and delete in the audit log", async () => {
    const { t, key, create, audit } = await setup();
    await create(anna);
    await t.request("PATCH", "/api/v1/people/anna-kowalska", { key, body: { title: "Director" } });
    await t.request("DELETE", "/api/v1/people/anna-kowalska", { key });
    const entries = await audit();
    expect(entries.map((e) => e.action)).toEqual(["person.delete", "person.update", "person.create"]);
    expect(entries[1]).toMatchObject({ before: { title: "Senior Fellow" }, after: { title: "Director" } });
  });

  it("lets anyone read people but only a key with events:write change them", async () => {
    const { t } = await setup();
    const archivist = await t.key(["archive:write"]);
    expect((await t.request("POST", "/api/v1/people", { body: anna })).status).toBe(401);
    expect((await t.request("POST", "/api/v1/people", { key: archivist, body: anna })).status).toBe(403);
    expect((await t.request("GET", "/api/v1/people")).body.data).toEqual([]);
  });
});
