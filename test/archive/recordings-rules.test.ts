import { describe, expect, it } from "vitest";
import { engine } from "../support/app.js";
import { fields, ftsSlugs, setup, YT } from "../support/recordings.js";

describe(`recordings: publication, scopes, revisions and search (${engine})`, () => {
  it("sets publishedAt when published, accepts a past instant, refuses a future one", async () => {
    const { t, key, post } = await setup();
    const backdated = await post({ published: true, publishedAt: "2026-04-20T09:00:00-04:00" });
    expect(backdated.body.publishedAt).toBe("2026-04-20T13:00:00Z");
    const future = await post({ published: true, publishedAt: "2026-06-01T00:00:00Z" });
    expect(fields(future.body)).toEqual(["publishedAt"]);
    const unpublishedWithDate = await post({ publishedAt: "2026-04-20T09:00:00Z" });
    expect(fields(unpublishedWithDate.body)).toEqual(["publishedAt"]);

    const draft = (await post({})).body;
    t.clock.set("2026-05-03T08:00:00Z");
    const published = await t.request("PATCH", `/api/v1/recordings/${draft.id}`, {
      key,
      body: { published: true },
    });
    expect(published.body).toMatchObject({ published: true, publishedAt: "2026-05-03T08:00:00Z" });
    const hidden = await t.request("PATCH", `/api/v1/recordings/${draft.id}`, {
      key,
      body: { published: false },
    });
    expect(hidden.body).toMatchObject({ published: false, publishedAt: null });
  });

  it("needs archive:write to write; events:write is not enough", async () => {
    const { t, post, event } = await setup();
    const eventsKey = await t.key(["events:write"]);
    expect((await post({}, event.slug, eventsKey)).status).toBe(403);
    const anonymous = await t.request("POST", `/api/v1/events/${event.slug}/recordings`, {
      body: { kind: "video", provider: "youtube", url: YT },
    });
    expect(anonymous.status).toBe(401);
    const rec = (await post({})).body;
    for (const [method, path, body] of [
      ["PATCH", `/api/v1/recordings/${rec.id}`, { title: "x" }],
      ["PUT", `/api/v1/recordings/${rec.id}/chapters`, { chapters: [] }],
      ["DELETE", `/api/v1/recordings/${rec.id}`, undefined],
    ] as const) {
      expect((await t.request(method, path, { key: eventsKey, body })).status, method).toBe(403);
    }
    // events:write still reads the staff view; a key without either scope is refused, not downgraded.
    const staffList = await t.request("GET", `/api/v1/events/${event.slug}/recordings`, { key: eventsKey });
    expect(staffList.body.data).toHaveLength(1);
    const other = await t.key(["registrations:read"]);
    expect((await t.request("GET", `/api/v1/events/${event.slug}/recordings`, { key: other })).status).toBe(
      403,
    );
    expect(
      (await t.request("GET", `/api/v1/events/${event.slug}/recordings`, { key: "cvn_bad" })).status,
    ).toBe(401);

    const doc = (await t.request("GET", "/openapi.json")).body;
    expect(doc.paths["/api/v1/events/{idOrSlug}/recordings"].post["x-required-scope"]).toBe("archive:write");
    expect(doc.paths["/api/v1/recordings/{id}/chapters"].put["x-required-scope"]).toBe("archive:write");
    expect(doc.paths["/api/v1/recordings/{id}"].patch).toBeDefined();
    expect(doc.paths["/api/v1/recordings/{id}"].delete).toBeDefined();
  });

  it("moves the event's revision with every write, so its public ETag changes", async () => {
    const { t, key, event, post, etag } = await setup();
    const seen = [await etag()];
    t.clock.set("2026-05-02T00:00:00Z");
    const rec = (await post({ durationSeconds: 600 })).body;
    seen.push(await etag());
    const read = await t.request("GET", `/api/v1/events/${event.slug}`);
    expect(read.body.updatedAt).toBe("2026-05-02T00:00:00Z");
    await t.request("PATCH", `/api/v1/recordings/${rec.id}`, { key, body: { published: true } });
    seen.push(await etag());
    await t.request("PUT", `/api/v1/recordings/${rec.id}/chapters`, {
      key,
      body: { chapters: [{ startSeconds: 0, title: "Start" }] },
    });
    seen.push(await etag());
    await t.request("DELETE", `/api/v1/recordings/${rec.id}`, { key });
    seen.push(await etag());
    expect(new Set(seen).size).toBe(5);
    // A refused write moves nothing.
    await post({ provider: "vimeo" });
    expect(await etag()).toBe(seen.at(-1));
  });

  it("keeps chapter titles in the search index, and drops them with the recording", async () => {
    const { t, key, event, post } = await setup();
    const rec = (await post({ chapters: [{ startSeconds: 0, title: "Zaporizhzhia frontline" }] })).body;
    expect(await ftsSlugs(t, "zaporizhzhia")).toEqual([event.slug]);
    await t.request("PUT", `/api/v1/recordings/${rec.id}/chapters`, {
      key,
      body: { chapters: [{ startSeconds: 0, title: "Kharkiv" }] },
    });
    expect(await ftsSlugs(t, "zaporizhzhia")).toEqual([]);
    expect(await ftsSlugs(t, "kharkiv")).toEqual([event.slug]);
    await t.request("DELETE", `/api/v1/recordings/${rec.id}`, { key });
    expect(await ftsSlugs(t, "kharkiv")).toEqual([]);
  });
});
