import { describe, expect, it } from "vitest";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

// The test clock says 2026-01-15T12:00Z: events of 2025 are past, April 2026 is upcoming.
const TRICKY = "Київ & the <peace> talks > “2025”";

async function post(t: TestApp, key: string, path: string, body: Record<string, unknown>) {
  const res = await t.request("POST", path, { key, body });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** Two past events with recordings, plus recordings that must stay out of the feeds. */
async function feedLibrary() {
  const t = await createTestApp();
  const key = await t.key(["admin"]);
  await post(t, key, "/api/v1/people", { name: "Olena Kovalenko" });
  await post(t, key, "/api/v1/topics", { name: "Ukraine-Russia" });
  await post(t, key, "/api/v1/topics", { name: "Arms control" });
  const kyiv = await makeEvent(t, key, {
    title: TRICKY,
    startsAt: "2025-11-20T12:00",
    summary: "Talks in Київ & <elsewhere>.",
    topics: ["ukraine-russia"],
    speakers: [{ person: "olena-kovalenko" }],
  });
  const arms = await makeEvent(t, key, {
    title: "New START after 2026",
    startsAt: "2025-12-01T15:00",
    topics: ["arms-control"],
  });
  const upcoming = await makeEvent(t, key, { title: "Spring outlook", topics: ["ukraine-russia"] });
  const rec = (slug: string, body: Record<string, unknown>) =>
    post(t, key, `/api/v1/events/${slug}/recordings`, { kind: "video", published: true, ...body });
  const video = await rec(kyiv.slug, {
    provider: "youtube",
    url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    publishedAt: "2025-11-21T09:00:00Z",
  });
  const audio = await rec(kyiv.slug, {
    kind: "audio",
    provider: "file",
    url: "https://cdn.example.org/kyiv.mp3",
    title: "Audio & notes",
    durationSeconds: 3600,
    publishedAt: "2025-11-22T09:00:00Z",
  });
  const armsVideo = await rec(arms.slug, {
    provider: "vimeo",
    url: "https://vimeo.com/76979871",
    demo: true,
    publishedAt: "2025-12-02T10:00:00Z",
  });
  // Not in any feed: unpublished, or of an event that has not taken place.
  await rec(kyiv.slug, { provider: "file", url: "https://cdn.example.org/raw.mp4", published: false });
  await rec(upcoming.slug, { provider: "youtube", url: "https://youtu.be/bbbbbbbbbbb", title: "Teaser" });
  return { t, key, kyiv, arms, video, audio, armsVideo };
}

const items = (xml: string) => xml.split("<item>").slice(1);

describe(`archive feeds (${engine})`, () => {
  it("RSS 2.0: channel, self link, items newest first with guid, pubDate, escaped text, enclosure, categories", async () => {
    const { t, kyiv, audio } = await feedLibrary();
    const res = await t.request("GET", "/archive/feed.xml");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/rss+xml; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    const xml = res.text;
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<rss version="2.0" xmlns:atom="http:\/\/www.w3.org\/2005\/Atom">/,
    );
    expect(xml).toContain("<link>https://events.example.org/archive</link>");
    expect(xml).toContain(
      '<atom:link href="https://events.example.org/archive/feed.xml" rel="self" type="application/rss+xml"/>',
    );
    // Deterministic: the newest item's publication, not the time of the request.
    expect(xml).toContain("<lastBuildDate>Tue, 02 Dec 2025 10:00:00 GMT</lastBuildDate>");
    const list = items(xml);
    expect(list).toHaveLength(3);
    expect(xml).not.toContain("Teaser");
    expect(xml).not.toContain("raw.mp4");
    expect(list[0]).toContain("<title>Video: New START after 2026 (demo recording)</title>");
    const [, audioItem, videoItem] = list;
    expect(audioItem).toContain("<title>Audio &amp; notes</title>");
    expect(audioItem).toContain(
      `<link>https://events.example.org/archive/${encodeURIComponent(kyiv.slug)}</link>`,
    );
    expect(audioItem).toMatch(
      new RegExp(`<guid isPermaLink="false">tag:events.example.org,2026-01-15:recording/${audio.id}</guid>`),
    );
    expect(audioItem).toContain("<pubDate>Sat, 22 Nov 2025 09:00:00 GMT</pubDate>");
    expect(audioItem).toContain(
      '<enclosure url="https://cdn.example.org/kyiv.mp3" length="0" type="audio/mpeg"/>',
    );
    expect(audioItem).toContain(
      '<category domain="https://events.example.org/topics">Ukraine-Russia</category>',
    );
    expect(videoItem).not.toContain("<enclosure");
    // Escaped once, non-ASCII kept as UTF-8 text.
    expect(videoItem).toContain("<title>Video: Київ &amp; the &lt;peace&gt; talks &gt; “2025”</title>");
    expect(videoItem).toContain("Talks in Київ &amp; &lt;elsewhere&gt;.");
    expect(videoItem).toContain("With Olena Kovalenko.");
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it("JSON Feed 1.1: required fields, items with dates, tags and attachments for files", async () => {
    const { t, kyiv, audio } = await feedLibrary();
    const res = await t.request("GET", "/archive/feed.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/feed+json; charset=utf-8");
    const feed = JSON.parse(res.text);
    expect(feed).toMatchObject({
      version: "https://jsonfeed.org/version/1.1",
      home_page_url: "https://events.example.org/archive",
      feed_url: "https://events.example.org/archive/feed.json",
    });
    expect(feed.items.map((i: { date_published: string }) => i.date_published)).toEqual([
      "2025-12-02T10:00:00Z",
      "2025-11-22T09:00:00Z",
      "2025-11-21T09:00:00Z",
    ]);
    const a = feed.items[1];
    expect(a.id).toBe(`tag:events.example.org,2026-01-15:recording/${audio.id}`);
    expect(a.url).toBe(`https://events.example.org/archive/${encodeURIComponent(kyiv.slug)}`);
    expect(a.title).toBe("Audio & notes");
    expect(a.tags).toEqual(["Ukraine-Russia"]);
    expect(a.authors).toEqual([
      { name: "Olena Kovalenko", url: "https://events.example.org/people/olena-kovalenko" },
    ]);
    expect(a.attachments).toEqual([
      {
        url: "https://cdn.example.org/kyiv.mp3",
        mime_type: "audio/mpeg",
        title: "Audio & notes",
        duration_in_seconds: 3600,
      },
    ]);
    expect(feed.items[2].title).toBe(`Video: ${TRICKY}`);
    expect(feed.items[2].external_url).toBe("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
    expect(feed.items[2].attachments).toBeUndefined();
  });

  it("per topic: only that topic's recordings; an unknown topic is a 404", async () => {
    const { t, armsVideo } = await feedLibrary();
    const xml = (await t.request("GET", "/topics/arms-control/feed.xml")).text;
    expect(items(xml)).toHaveLength(1);
    expect(xml).toContain(`recording/${armsVideo.id}</guid>`);
    expect(xml).toContain("<link>https://events.example.org/topics/arms-control</link>");
    expect(xml).toContain('href="https://events.example.org/topics/arms-control/feed.xml" rel="self"');
    const json = (await t.request("GET", "/topics/ukraine-russia/feed.json")).body;
    expect(json.items).toHaveLength(2);
    expect(json.feed_url).toBe("https://events.example.org/topics/ukraine-russia/feed.json");
    expect((await t.request("GET", "/topics/nothing/feed.xml")).status).toBe(404);
    expect((await t.request("GET", "/topics/nothing/feed.json")).status).toBe(404);
  });

  it("strong ETag, 304 on If-None-Match, same bytes each time, new tag when the content changes", async () => {
    const { t, key, kyiv } = await feedLibrary();
    for (const path of ["/archive/feed.xml", "/archive/feed.json", "/topics/ukraine-russia/feed.xml"]) {
      const first = await t.request("GET", path);
      const etag = first.headers.get("etag")!;
      expect(etag).toMatch(/^"feed-[0-9a-z]+"$/);
      const again = await t.request("GET", path);
      expect(again.text).toBe(first.text);
      expect(again.headers.get("etag")).toBe(etag);
      const cached = await t.request("GET", path, { headers: { "if-none-match": `"other", ${etag}` } });
      expect(cached.status).toBe(304);
      expect(cached.text).toBe("");
      expect(cached.headers.get("etag")).toBe(etag);
      expect(cached.headers.get("cache-control")).toBe("public, max-age=300");
    }
    const tags = async () =>
      Promise.all(
        ["/archive/feed.xml", "/archive/feed.json", "/topics/ukraine-russia/feed.xml"].map(async (p) =>
          (await t.request("GET", p)).headers.get("etag"),
        ),
      );
    const before = await tags();
    // A new recording, then a renamed topic (a category of the items): each is a new version.
    await post(t, key, `/api/v1/events/${kyiv.slug}/recordings`, {
      kind: "slides",
      provider: "file",
      url: "https://cdn.example.org/slides.pdf",
      published: true,
    });
    const afterRecording = await tags();
    for (const [i, tag] of afterRecording.entries()) expect(tag).not.toBe(before[i]);
    expect(
      await t.request("PATCH", "/api/v1/topics/ukraine-russia", { key, body: { name: "Russia-Ukraine" } }),
    ).toMatchObject({ status: 200 });
    const afterRename = await t.request("GET", "/archive/feed.xml", {
      headers: { "if-none-match": afterRecording[0]! },
    });
    expect(afterRename.status).toBe(200);
    expect(afterRename.text).toContain(
      '<category domain="https://events.example.org/topics">Russia-Ukraine</category>',
    );
    expect(items(afterRename.text)[0]).toContain('type="application/pdf"');
  });
});
