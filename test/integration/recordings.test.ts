import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

const YT = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
const fields = (body: any) => (body.errors ?? []).map((e: { field: string }) => e.field);

/** A past published event, a brief, an archive:write key and helpers that read like the API. */
async function setup() {
  const t = await createTestApp({ now: "2026-05-01T12:00:00Z" });
  const key = await t.key(["archive:write"]);
  const admin = await t.key(["admin"]);
  await t.request("POST", "/api/v1/briefs", {
    key,
    body: { title: "Armed Neutrality for Ukraine", kind: "op-ed", publishedOn: "2026-02-18" },
  });
  const event = await makeEvent(t, admin, { startsAt: "2026-04-16T12:00" });
  const post = (body: Record<string, unknown>, slug = event.slug, k = key) =>
    t.request("POST", `/api/v1/events/${slug}/recordings`, {
      key: k,
      body: { kind: "video", provider: "youtube", url: YT, ...body },
    });
  const audit = async () =>
    (await t.request("GET", "/api/v1/audit-log?entityType=recording&limit=100", { key: admin })).body
      .data as any[];
  const etag = async () => (await t.request("GET", `/api/v1/events/${event.slug}`)).headers.get("etag");
  return { t, key, admin, event, post, audit, etag };
}

async function ftsSlugs(t: TestApp, match: string) {
  const rows = await sqlAll<{ slug: string }>(
    t.db,
    sql`SELECT e.slug FROM archive_fts JOIN events e ON e.rowid = archive_fts.rowid WHERE archive_fts MATCH ${match}`,
  );
  return rows.map((r) => r.slug);
}

describe(`recordings (${engine})`, () => {
  it("attaches, lists, edits, re-chapters and deletes a recording, each with its audit row", async () => {
    const { t, key, event, post, audit } = await setup();
    const created = await post({
      title: "Full session",
      durationSeconds: 3600,
      published: true,
      chapters: [
        { startSeconds: 0, title: "Welcome" },
        { startSeconds: 300, title: "Armed neutrality", brief: "armed-neutrality-for-ukraine" },
        { startSeconds: 2400, title: "Questions" },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(/^rec_/),
      event: { id: event.id, slug: event.slug },
      kind: "video",
      provider: "youtube",
      embedUrl: "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
      published: true,
      publishedAt: "2026-05-01T12:00:00Z",
      demo: false,
      position: 0,
    });
    expect(created.body.chapters[1]).toEqual({
      startSeconds: 300,
      title: "Armed neutrality",
      brief: { slug: "armed-neutrality-for-ukraine", title: "Armed Neutrality for Ukraine" },
    });
    const id = created.body.id;
    const second = await post({ kind: "slides", provider: "file", url: "https://media.example.org/s.pdf" });
    expect(second.body).toMatchObject({ position: 1, published: false, publishedAt: null, embedUrl: null });

    const list = await t.request("GET", `/api/v1/events/${event.slug}/recordings`, { key });
    expect(list.body.data.map((r: { id: string }) => r.id)).toEqual([id, second.body.id]);
    expect((await t.request("GET", `/api/v1/recordings/${id}`)).body).toEqual(created.body);

    t.clock.set("2026-05-02T12:00:00Z");
    const patched = await t.request("PATCH", `/api/v1/recordings/${id}`, {
      key,
      body: { provider: "vimeo", url: "https://player.vimeo.com/video/76979871", title: "Edited" },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      provider: "vimeo",
      title: "Edited",
      embedUrl: "https://player.vimeo.com/video/76979871",
      publishedAt: "2026-05-01T12:00:00Z",
      updatedAt: "2026-05-02T12:00:00Z",
    });
    expect(patched.body.chapters).toHaveLength(3);

    const rechaptered = await t.request("PUT", `/api/v1/recordings/${id}/chapters`, {
      key,
      body: { chapters: [{ startSeconds: 0, title: "Only chapter" }] },
    });
    expect(rechaptered.status).toBe(200);
    expect(rechaptered.body.chapters).toEqual([{ startSeconds: 0, title: "Only chapter", brief: null }]);

    expect((await t.request("DELETE", `/api/v1/recordings/${id}`, { key })).status).toBe(204);
    expect((await t.request("GET", `/api/v1/recordings/${id}`, { key })).status).toBe(404);
    expect((await t.request("DELETE", `/api/v1/recordings/${id}`, { key })).status).toBe(404);

    const actions = (await audit()).map((a) => a.action).reverse();
    expect(actions).toEqual([
      "recording.create",
      "recording.create",
      "recording.update",
      "recording.chapters",
      "recording.delete",
    ]);
    const update = (await audit()).find((a) => a.action === "recording.update");
    expect(update).toMatchObject({
      entityId: id,
      before: { provider: "youtube" },
      after: { provider: "vimeo" },
    });
  });

  it("shows the public only published recordings of public events; staff see all", async () => {
    const { t, key, admin, event, post } = await setup();
    await post({ published: true, title: "Public" });
    await post({ title: "Not yet" });
    const pub = await t.request("GET", `/api/v1/events/${event.slug}/recordings`);
    expect(pub.body.data.map((r: { title: string }) => r.title)).toEqual(["Public"]);
    const staff = await t.request("GET", `/api/v1/events/${event.slug}/recordings`, { key: admin });
    expect(staff.body.data).toHaveLength(2);
    const unpublished = staff.body.data[1].id;
    expect((await t.request("GET", `/api/v1/recordings/${unpublished}`)).status).toBe(404);
    expect((await t.request("GET", `/api/v1/recordings/${unpublished}`, { key })).status).toBe(200);

    // Recordings may be prepared on a draft; the public does not see the draft or them.
    const draft = await makeEvent(t, admin, { title: "Draft talk" }, { publish: false });
    expect((await post({ published: true }, draft.slug)).status).toBe(201);
    expect((await t.request("GET", `/api/v1/events/${draft.slug}/recordings`)).status).toBe(404);
    expect(
      (await t.request("GET", `/api/v1/events/${draft.slug}/recordings`, { key })).body.data,
    ).toHaveLength(1);
    expect((await t.request("GET", "/api/v1/events/nope/recordings")).status).toBe(404);
    expect((await post({}, "nope")).status).toBe(404);

    const cancelled = await makeEvent(t, admin, { title: "Called off", startsAt: "2026-09-01T12:00" });
    await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key: admin });
    expect((await post({}, cancelled.slug)).status).toBe(409);
  });

  it("accepts only each provider's URL shapes and names the url field", async () => {
    const { t, key, post, audit } = await setup();
    const good = [
      ["youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"],
      ["youtube", "https://youtu.be/dQw4w9WgXcQ"],
      ["youtube", "https://www.youtube.com/embed/dQw4w9WgXcQ"],
      ["vimeo", "https://vimeo.com/76979871"],
      ["vimeo", "https://player.vimeo.com/video/76979871"],
      ["file", "https://media.example.org/talks/2026/full.mp4"],
    ];
    for (const [provider, url] of good) expect((await post({ provider, url })).status, url).toBe(201);
    const bad = [
      ["youtube", "http://www.youtube.com/watch?v=dQw4w9WgXcQ"],
      ["youtube", "https://youtube.com/watch?v=dQw4w9WgXcQ"],
      ["youtube", "https://www.youtube.com/watch?v=dQw4w9WgXc"],
      ["youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=x"],
      ["youtube", "https://youtu.be/dQw4w9WgXcQ/extra"],
      ["youtube", "https://www.youtube.com.evil.example/embed/dQw4w9WgXcQ"],
      ["youtube", "https://vimeo.com/76979871"],
      ["vimeo", "https://vimeo.com/channels/staffpicks"],
      ["vimeo", "https://player.vimeo.com/video/abc"],
      ["vimeo", "http://vimeo.com/76979871"],
      ["vimeo", YT],
      ["file", "http://media.example.org/full.mp4"],
      ["file", "javascript:alert(1)"],
      ["file", "not a url"],
    ];
    for (const [provider, url] of bad) {
      const res = await post({ provider, url });
      expect(res.status, url).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(fields(res.body), url).toEqual(["url"]);
    }
    expect(await audit()).toHaveLength(good.length);

    // An edit checks the URL against the provider it will have.
    const file = (await post({ provider: "file", url: "https://media.example.org/a.mp3" })).body;
    const res = await t.request("PATCH", `/api/v1/recordings/${file.id}`, {
      key,
      body: { provider: "youtube" },
    });
    expect(res.status).toBe(422);
    expect(fields(res.body)).toEqual(["url"]);
    const res2 = await t.request("PATCH", `/api/v1/recordings/${file.id}`, {
      key,
      body: { url: "http://x.org" },
    });
    expect(fields(res2.body)).toEqual(["url"]);
  });

  it("refuses chapters out of order, past the end or linking unknown briefs, by field path", async () => {
    const { t, key, post, audit } = await setup();
    const chapters = (starts: number[]) =>
      starts.map((s, i) => ({ startSeconds: s, title: `Part ${i + 1}` }));
    const outOfOrder = await post({ durationSeconds: 3600, chapters: chapters([0, 600, 600]) });
    expect(outOfOrder.status).toBe(422);
    expect(fields(outOfOrder.body)).toEqual(["chapters.2.startSeconds"]);
    const backwards = await post({ chapters: chapters([0, 900, 300, 1200]) });
    expect(fields(backwards.body)).toEqual(["chapters.2.startSeconds"]);
    const pastEnd = await post({ durationSeconds: 1000, chapters: chapters([0, 500, 1000]) });
    expect(fields(pastEnd.body)).toEqual(["chapters.2.startSeconds"]);
    const negative = await post({ chapters: [{ startSeconds: -1, title: "x" }] });
    expect(fields(negative.body)).toEqual(["chapters.0.startSeconds"]);
    const untitled = await post({ chapters: [{ startSeconds: 0, title: " " }] });
    expect(fields(untitled.body)).toEqual(["chapters.0.title"]);
    const unknownBrief = await post({
      chapters: [
        { startSeconds: 0, title: "a" },
        { startSeconds: 10, title: "b", brief: "no-such-brief" },
      ],
    });
    expect(unknownBrief.status).toBe(422);
    expect(fields(unknownBrief.body)).toEqual(["chapters.1.brief"]);
    expect(await audit()).toHaveLength(0);

    const rec = (await post({ durationSeconds: 3600, chapters: chapters([0, 1800]) })).body;
    const put = (body: unknown) => t.request("PUT", `/api/v1/recordings/${rec.id}/chapters`, { key, body });
    expect(fields((await put({ chapters: chapters([0, 60, 3600]) })).body)).toEqual([
      "chapters.2.startSeconds",
    ]);
    expect(fields((await put({ chapters: chapters([5, 5]) })).body)).toEqual(["chapters.1.startSeconds"]);
    expect(fields((await put({ chapters: [{ startSeconds: 0, title: "a", brief: "nope" }] })).body)).toEqual([
      "chapters.0.brief",
    ]);
    // Shortening the recording below its last chapter is refused too.
    const shorter = await t.request("PATCH", `/api/v1/recordings/${rec.id}`, {
      key,
      body: { durationSeconds: 1800 },
    });
    expect(fields(shorter.body)).toEqual(["durationSeconds"]);
    const unchanged = await t.request("GET", `/api/v1/recordings/${rec.id}`, { key });
    expect(unchanged.body.chapters.map((c: { startSeconds: number }) => c.startSeconds)).toEqual([0, 1800]);
    expect(unchanged.body.durationSeconds).toBe(3600);
    expect(await audit()).toHaveLength(1);
  });

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
