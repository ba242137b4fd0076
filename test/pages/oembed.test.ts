import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlBatch } from "../../src/db/batch.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { jsonLd } from "../support/pages.js";
import { YT } from "../support/recordings.js";

/** oEmbed for a pasted event URL, its discovery links, and the snippet staff copy from the API. */

const BASE = "https://events.example.org";

async function setup() {
  const t = await createTestApp({ now: "2026-05-01T12:00:00Z" });
  const key = await t.key();
  const upcoming = await makeEvent(t, key, { startsAt: "2026-06-04T12:00" });
  const past = await makeEvent(t, key, {
    title: "Armed neutrality, one year on",
    startsAt: "2026-04-16T12:00",
  });
  const draft = await makeEvent(t, key, { title: "Secret draft" }, { publish: false });
  const cancelled = await makeEvent(t, key, { title: "Called off", startsAt: "2026-06-20T12:00" });
  expect((await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key })).status).toBe(200);
  const oembed = (url: string, extra = "") =>
    t.request("GET", `/oembed?url=${encodeURIComponent(url)}${extra}`);
  return { t, key, upcoming, past, draft, cancelled, oembed };
}

const iframeOf = (html: string) => /^<iframe src="([^"]+)"[^>]* width="(\d+)" height="(\d+)"/.exec(html);

describe(`oEmbed and the embed snippet (${engine})`, () => {
  it("answers an event page's URL with a rich oEmbed 1.0 card in an iframe", async () => {
    const { t, upcoming, oembed } = await setup();
    const res = await oembed(`${BASE}/events/${upcoming.slug}`, "&format=json");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      version: "1.0",
      type: "rich",
      title: "Ukraine's critical choice: Pursue peace or fight on",
      provider_name: t.deps.config.ORG_NAME,
      provider_url: `${BASE}/`,
      cache_age: 3600,
      width: 480,
      height: 320,
    });
    const frame = iframeOf(res.body.html);
    expect(frame?.slice(1)).toEqual([`${BASE}/embed/events/${upcoming.slug}`, "480", "320"]);
    expect(res.body.html).toContain('sandbox="allow-popups allow-popups-to-escape-sandbox"');
    expect(res.body.html).not.toMatch(/<script/i);
    // The iframe it points at is there.
    expect((await t.request("GET", `/embed/events/${upcoming.slug}`)).status).toBe(200);
  });

  it("answers an archive entry's URL, and fits maxwidth and maxheight", async () => {
    const { past, oembed } = await setup();
    const res = await oembed(`${BASE}/archive/${past.slug}`, "&maxwidth=300&maxheight=200");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: "Armed neutrality, one year on", width: 300, height: 200 });
    expect(iframeOf(res.body.html)?.slice(1)).toEqual([`${BASE}/embed/events/${past.slug}`, "300", "200"]);
    const roomy = await oembed(`${BASE}/archive/${past.slug}`, "&maxwidth=2000");
    expect(roomy.body).toMatchObject({ width: 480, height: 320 });
  });

  it("answers 404 for URLs that are not ours or not a published event or archive entry", async () => {
    const { upcoming, draft, cancelled, oembed } = await setup();
    for (const url of [
      `https://elsewhere.example/events/${upcoming.slug}`,
      `http://events.example.org/events/${upcoming.slug}`,
      `${BASE}/events/no-such-event`,
      `${BASE}/events/${draft.slug}`,
      `${BASE}/events/${cancelled.slug}`,
      `${BASE}/archive/${upcoming.slug}`,
      `${BASE}/events/${upcoming.slug}.ics`,
      `${BASE}/topics/${upcoming.slug}`,
      `${BASE}/`,
      "not a url",
    ]) {
      const res = await oembed(url);
      expect(res.status, url).toBe(404);
      expect(res.headers.get("content-type"), url).toBe("application/problem+json");
    }
  });

  it("answers 501 for XML and 422 for a missing url or a mistyped parameter", async () => {
    const { upcoming, oembed, t } = await setup();
    const xml = await oembed(`${BASE}/events/${upcoming.slug}`, "&format=xml");
    expect(xml.status).toBe(501);
    expect(xml.headers.get("content-type")).toBe("application/problem+json");
    expect((await t.request("GET", "/oembed")).status).toBe(422);
    for (const extra of ["&maxwidth=0", "&maxwidth=wide", "&format=yaml", "&colour=red"]) {
      const res = await oembed(`${BASE}/events/${upcoming.slug}`, extra);
      expect(res.status, extra).toBe(422);
    }
  });

  it("is discoverable from the event page and the archive entry", async () => {
    const { t, upcoming, past, cancelled } = await setup();
    const link = (url: string, title: string) =>
      `<link rel="alternate" type="application/json+oembed" href="${BASE}/oembed?url=${encodeURIComponent(url)}&amp;format=json" title="${title}"/>`;
    const page = await t.request("GET", `/events/${upcoming.slug}`);
    expect(page.text).toContain(
      link(`${BASE}/events/${upcoming.slug}`, "Ukraine&#39;s critical choice: Pursue peace or fight on"),
    );
    const entry = await t.request("GET", `/archive/${past.slug}`);
    expect(entry.text).toContain(link(`${BASE}/archive/${past.slug}`, "Armed neutrality, one year on"));
    // A cancelled event's page has nothing to embed.
    const called = await t.request("GET", `/events/${cancelled.slug}`);
    expect(called.text).not.toContain("json+oembed");
    // Each discovered link answers.
    const href = /type="application\/json\+oembed" href="([^"]+)"/
      .exec(entry.text)![1]!
      .replace(/&amp;/g, "&");
    expect((await t.request("GET", href.slice(BASE.length))).status).toBe(200);
  });

  it("gives staff (and the public read) the embed snippet as embedHtml, its title escaped", async () => {
    const { t, key, upcoming } = await setup();
    const snippet =
      `<iframe src="${BASE}/embed/events/${upcoming.slug}" title="Event: Ukraine's critical choice: Pursue peace or fight on"` +
      ' width="480" height="320" style="border:0;max-width:100%" loading="lazy"' +
      ' sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>';
    expect((await t.request("GET", `/api/v1/events/${upcoming.id}`, { key })).body.embedHtml).toBe(snippet);
    expect((await t.request("GET", `/api/v1/events/${upcoming.slug}`)).body.embedHtml).toBe(snippet);
    const odd = await makeEvent(t, key, { title: 'Say "no" to <war> & more' });
    expect(odd.embedHtml).toContain('title="Event: Say &quot;no&quot; to &lt;war&gt; &amp; more"');
  });
});

describe(`experts' photos (${engine})`, () => {
  const PHOTO = "https://cdn.institute.example/people/kavanagh.jpg";

  async function withExperts() {
    const t = await createTestApp({ now: "2026-05-01T12:00:00Z" });
    const key = await t.key();
    const post = async (path: string, body: unknown) =>
      (await t.request("POST", `/api/v1${path}`, { key, body })).body;
    const kavanagh = await post("/people", {
      name: "Jennifer Kavanagh",
      title: "Senior Fellow",
      photoUrl: PHOTO,
    });
    const plain = await post("/people", { name: "Daniel DePetris" });
    // An http photo, stored before the API took https only: pages still never show one.
    await sqlBatch(t.db, [
      sql`UPDATE people SET photo_url = 'http://cdn.institute.example/d.jpg' WHERE slug = ${plain.slug}`,
    ]);
    const speakers = [{ person: kavanagh.slug }, { person: plain.slug, role: "moderator" }];
    const upcoming = await makeEvent(t, key, { startsAt: "2026-06-04T12:00", speakers });
    const past = await makeEvent(t, key, {
      title: "Armed neutrality",
      startsAt: "2026-04-16T12:00",
      speakers,
    });
    await t.request("POST", `/api/v1/events/${past.slug}/recordings`, {
      key,
      body: { kind: "video", provider: "youtube", url: YT, published: true },
    });
    return { t, kavanagh, plain, upcoming, past };
  }

  const images = (html: string) => [...html.matchAll(/<img [^>]*>/g)].map((m) => m[0]);
  const photo = (size: number, cls = "photo") =>
    `<img class="${cls}" src="${PHOTO}" alt="Photo of Jennifer Kavanagh" width="${size}" height="${size}" loading="lazy" decoding="async"/>`;

  it("shows an https photo beside the expert on event, archive, people and embed pages, and no http one", async () => {
    const { t, kavanagh, plain, upcoming, past } = await withExperts();
    const pages: [string, string][] = [
      [`/events/${upcoming.slug}`, photo(48)],
      [`/archive/${past.slug}`, photo(48)],
      [`/people/${kavanagh.slug}`, photo(96, "photo portrait")],
      [`/embed/events/${upcoming.slug}`, photo(40)],
      ["/embed/events", photo(40)],
    ];
    for (const [path, img] of pages) {
      const res = await t.request("GET", path);
      expect(res.status, path).toBe(200);
      expect(images(res.text), path).toEqual([img]);
      expect(res.headers.get("content-security-policy"), path).toMatch(/img-src 'self' https:(;|$)/);
    }
    const noPhoto = await t.request("GET", `/people/${plain.slug}`);
    expect(images(noPhoto.text)).toEqual([]);
  });

  it("puts the photo in the event's JSON-LD as the performer's image", async () => {
    const { t, upcoming } = await withExperts();
    const ld = jsonLd((await t.request("GET", `/events/${upcoming.slug}`)).text);
    expect(ld.performer).toEqual([
      { "@type": "Person", name: "Jennifer Kavanagh", jobTitle: "Senior Fellow", image: PHOTO },
      { "@type": "Person", name: "Daniel DePetris" },
    ]);
  });
});
