import { describe, expect, it } from "vitest";
import { engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { fields, setup, YT } from "../support/recordings.js";

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
});
