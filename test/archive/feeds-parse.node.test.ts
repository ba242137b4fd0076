import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

/**
 * The archive feeds as a feed reader sees them: RSS through rss-parser (a real, widely used
 * feed parser on top of xml2js, so malformed XML or escaping fails here), and the JSON Feed
 * checked field by field against the JSON Feed 1.1 specification.
 */

const TITLE = "Київ & the <peace> talks";

async function setup() {
  const t = await createTestApp();
  const key = await t.key(["admin"]);
  const ok = (res: { status: number; text: string }) => {
    if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
  };
  const topic = await t.request("POST", "/api/v1/topics", { key, body: { name: "Ukraine\u2011Russia" } });
  ok(topic);
  const event = await makeEvent(t, key, {
    title: TITLE,
    startsAt: "2025-11-20T12:00",
    topics: [topic.body.slug],
  });
  const rec = async (body: Record<string, unknown>) =>
    ok(
      await t.request("POST", `/api/v1/events/${event.slug}/recordings`, {
        key,
        body: { kind: "video", published: true, ...body },
      }),
    );
  await rec({
    provider: "youtube",
    url: "https://youtu.be/dQw4w9WgXcQ",
    publishedAt: "2025-11-21T09:00:00Z",
  });
  await rec({
    kind: "audio",
    provider: "file",
    url: "https://cdn.example.org/a.mp3?x=1&y=2",
    title: "Audio <full> & uncut",
    durationSeconds: 3600,
    publishedAt: "2025-11-22T09:00:00Z",
  });
  return { t, event, topic: topic.body.slug as string };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isUrl = (v: unknown) => typeof v === "string" && URL.canParse(v);

/** The JSON Feed 1.1 rules (https://www.jsonfeed.org/version/1.1/) for what we emit: problems, none if valid. */
function jsonFeedProblems(feed: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (feed.version !== "https://jsonfeed.org/version/1.1") p.push("version");
  if (typeof feed.title !== "string" || !feed.title) p.push("title");
  for (const f of ["home_page_url", "feed_url"]) if (f in feed && !isUrl(feed[f])) p.push(f);
  if (!Array.isArray(feed.items)) return [...p, "items"];
  const ids = new Set<string>();
  feed.items.forEach((item: Record<string, unknown>, i: number) => {
    const at = (f: string) => `items.${i}.${f}`;
    if (typeof item.id !== "string" || !item.id) p.push(at("id"));
    else if (ids.has(item.id)) p.push(`${at("id")} duplicate`);
    else ids.add(item.id);
    if (typeof item.content_text !== "string" && typeof item.content_html !== "string") p.push(at("content"));
    for (const f of ["url", "external_url"]) if (f in item && !isUrl(item[f])) p.push(at(f));
    for (const f of ["date_published", "date_modified"]) {
      if (f in item && !(typeof item[f] === "string" && RFC3339.test(item[f] as string))) p.push(at(f));
    }
    if ("tags" in item && !(Array.isArray(item.tags) && item.tags.every((x) => typeof x === "string")))
      p.push(at("tags"));
    if (
      "authors" in item &&
      !(Array.isArray(item.authors) && item.authors.every((a) => typeof a?.name === "string"))
    ) {
      p.push(at("authors"));
    }
    if ("attachments" in item) {
      const list = item.attachments;
      if (!Array.isArray(list)) p.push(at("attachments"));
      else
        list.forEach((a: Record<string, unknown>, j: number) => {
          if (!isUrl(a.url)) p.push(at(`attachments.${j}.url`));
          if (typeof a.mime_type !== "string" || !/^[\w.+-]+\/[\w.+-]+$/.test(a.mime_type)) {
            p.push(at(`attachments.${j}.mime_type`));
          }
          for (const n of ["size_in_bytes", "duration_in_seconds"]) {
            if (n in a && typeof a[n] !== "number") p.push(at(`attachments.${j}.${n}`));
          }
        });
    }
  });
  return p;
}

describe("archive feeds through real parsers", () => {
  it("rss-parser reads the RSS 2.0 feed, escaping and non-ASCII intact", async () => {
    const { t, event } = await setup();
    const res = await t.request("GET", "/archive/feed.xml");
    const feed = await new Parser().parseString(res.text);
    expect(feed.title).toBe(`${t.deps.config.ORG_NAME}: event recordings`);
    expect(feed.link).toBe("https://events.example.org/archive");
    expect(feed.lastBuildDate).toBe("Sat, 22 Nov 2025 09:00:00 GMT");
    expect(feed.items).toHaveLength(2);
    const [audio, video] = feed.items;
    expect(audio!.title).toBe("Audio <full> & uncut");
    expect(audio!.link).toBe(`https://events.example.org/archive/${encodeURIComponent(event.slug)}`);
    expect(audio!.guid).toMatch(/^tag:events\.example\.org,2026-01-15:recording\/rec_/);
    expect(new Date(audio!.pubDate!).toISOString()).toBe("2025-11-22T09:00:00.000Z");
    expect(audio!.enclosure).toEqual({
      url: "https://cdn.example.org/a.mp3?x=1&y=2",
      length: "0",
      type: "audio/mpeg",
    });
    // rss-parser keeps a category's attributes: { _: text, $: { domain } }.
    expect(audio!.categories).toEqual([
      { _: "Ukraine\u2011Russia", $: { domain: "https://events.example.org/topics" } },
    ]);
    expect(video!.title).toBe(`Video: ${TITLE}`);
    expect(video!.content).toContain(`Video of "${TITLE}"`);
    expect(video!.enclosure).toBeUndefined();
    expect(video!.guid).not.toBe(audio!.guid);
  });

  it("the JSON Feed satisfies JSON Feed 1.1", async () => {
    const { t, topic: slug } = await setup();
    const feed = JSON.parse((await t.request("GET", "/archive/feed.json")).text);
    expect(jsonFeedProblems(feed)).toEqual([]);
    expect(feed.items).toHaveLength(2);
    expect(feed.items[0].attachments[0]).toEqual({
      url: "https://cdn.example.org/a.mp3?x=1&y=2",
      mime_type: "audio/mpeg",
      title: "Audio <full> & uncut",
      duration_in_seconds: 3600,
    });
    const topic = JSON.parse((await t.request("GET", `/topics/${encodeURIComponent(slug)}/feed.json`)).text);
    expect(jsonFeedProblems(topic)).toEqual([]);
    // The checker itself catches what it must.
    expect(jsonFeedProblems({ version: "1.1", items: [{ id: 1, date_published: "yesterday" }] })).toEqual([
      "version",
      "title",
      "items.0.id",
      "items.0.content",
      "items.0.date_published",
    ]);
  });
});
