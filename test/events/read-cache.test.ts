import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

describe(`public event reads are revalidated and never stale (${engine})`, () => {
  it("sends an ETag and answers a matching If-None-Match with 304", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key);
    const first = await t.request("GET", `/api/v1/events/${e.slug}`);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"evt_/);
    const again = await t.request("GET", `/api/v1/events/${e.slug}`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
  });

  it("shows an edit at once and changes the ETag", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key);
    const before = await t.request("GET", `/api/v1/events/${e.slug}`);
    await t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { summary: "Now with a summary" } });
    const after = await t.request("GET", `/api/v1/events/${e.slug}`, {
      headers: { "if-none-match": before.headers.get("etag")! },
    });
    expect(after.status).toBe(200);
    expect(after.body.summary).toBe("Now with a summary");
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
  });

  it("shows a speaker's new title, a topic's new name and a brief's new title on the event", async () => {
    const t = await createTestApp({ now: "2026-01-15T12:00:00Z" });
    const key = await t.key(["admin"]);
    await t.request("POST", "/api/v1/people", { key, body: { name: "Daniel Davis", title: "Fellow" } });
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Land power" } });
    await t.request("POST", "/api/v1/briefs", { key, body: { title: "Draft title", kind: "brief" } });
    const e = await makeEvent(t, key, {
      speakers: [{ person: "daniel-davis" }],
      topics: ["land-power"],
      briefs: [{ brief: "draft-title" }],
    });
    const read = () => t.request("GET", `/api/v1/events/${e.slug}`);
    expect((await read()).body.speakers[0].title).toBe("Fellow");

    t.clock.set("2026-01-16T12:00:00Z");
    await t.request("PATCH", "/api/v1/people/daniel-davis", {
      key,
      body: { title: "Senior Fellow & Military Expert" },
    });
    const afterPerson = await read();
    expect(afterPerson.body.speakers[0].title).toBe("Senior Fellow & Military Expert");
    expect(afterPerson.body.updatedAt).toBe("2026-01-16T12:00:00Z");

    await t.request("PATCH", "/api/v1/topics/land-power", { key, body: { name: "Land warfare" } });
    expect((await read()).body.topics[0].name).toBe("Land warfare");

    await t.request("PATCH", "/api/v1/briefs/draft-title", { key, body: { title: "Final title" } });
    expect((await read()).body.briefs[0].title).toBe("Final title");
  });

  it("stops serving an event to the public once it is gone", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, {}, { publish: false });
    expect((await t.request("GET", `/api/v1/events/${e.slug}`)).status).toBe(404);
    await t.request("POST", `/api/v1/events/${e.slug}/publish`, { key });
    expect((await t.request("GET", `/api/v1/events/${e.slug}`)).status).toBe(200);
  });
});
