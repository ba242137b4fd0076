import { describe, expect, it } from "vitest";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

// The test clock says 2026-01-15T12:00Z: events of 2025 are past, April 2026 is upcoming.
const YT = "dQw4w9WgXcQ";
const VIMEO = "76979871";
const JOIN = "zoom.example.com";

async function post(t: TestApp, key: string, path: string, body: Record<string, unknown>) {
  const res = await t.request("POST", path, { key, body });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${res.text}`);
  return res.body;
}

/** A small library: people, topics, briefs, a past event with three recordings, and neighbours. */
async function library() {
  const t = await createTestApp();
  const key = await t.key(["admin"]);
  await post(t, key, "/api/v1/people", {
    name: "Rajan Menon",
    title: "Director, Grand Strategy",
    affiliation: "Defense Priorities",
    bio: "Writes on Ukraine and Russia.\n\nTaught at City College.",
  });
  await post(t, key, "/api/v1/people", { name: "Jennifer Kavanagh", title: "Director of Military Analysis" });
  await post(t, key, "/api/v1/topics", { name: "Ukraine-Russia" });
  await post(t, key, "/api/v1/topics", { name: "NATO" });
  const brief = (title: string, kind: string, extra: Record<string, unknown> = {}) =>
    post(t, key, "/api/v1/briefs", { title, kind, ...extra });
  await brief("Armed neutrality for Ukraine", "op-ed", {
    url: "https://example.org/neutrality",
    outlet: "Foreign Policy",
    publishedOn: "2025-10-02",
    authors: ["rajan-menon"],
    topics: ["ukraine-russia"],
  });
  await brief("Ceasefire lines", "brief", { publishedOn: "2025-12-10" });
  await brief("Transcript of the webinar", "report");

  const past = await makeEvent(t, key, {
    title: "Ukraine's critical choice",
    startsAt: "2025-11-20T12:00",
    summary: "Peace or war?",
    speakers: [{ person: "rajan-menon" }, { person: "jennifer-kavanagh", role: "moderator" }],
    topics: ["ukraine-russia", "nato"],
    briefs: [
      { brief: "armed-neutrality-for-ukraine", relation: "background_reading" },
      { brief: "ceasefire-lines", relation: "published_after" },
      { brief: "transcript-of-the-webinar", relation: "transcript_of" },
    ],
  });
  const rec = (slug: string, body: Record<string, unknown>) =>
    post(t, key, `/api/v1/events/${slug}/recordings`, { kind: "video", published: true, ...body });
  await rec(past.slug, {
    provider: "youtube",
    url: `https://www.youtube.com/watch?v=${YT}`,
    title: "Full webinar",
    durationSeconds: 4000,
    chapters: [
      { startSeconds: 0, title: "Opening" },
      { startSeconds: 95, title: "The case for neutrality", brief: "armed-neutrality-for-ukraine" },
      { startSeconds: 3725, title: "Questions" },
    ],
  });
  await rec(past.slug, {
    provider: "vimeo",
    url: `https://vimeo.com/${VIMEO}`,
    title: "Highlights",
    demo: true,
    chapters: [{ startSeconds: 90, title: "Key exchange" }],
  });
  await rec(past.slug, { kind: "audio", provider: "file", url: "https://cdn.example.org/webinar.mp3" });
  await rec(past.slug, {
    provider: "file",
    url: "https://cdn.example.org/raw.mp4",
    title: "Unedited cut",
    published: false,
  });

  const nato = await makeEvent(t, key, {
    title: "NATO at 77",
    startsAt: "2025-10-01T10:00",
    topics: ["nato"],
  });
  await rec(nato.slug, { provider: "youtube", url: "https://youtu.be/aaaaaaaaaaa" });
  const upcoming = await makeEvent(t, key, { title: "Spring outlook", topics: ["ukraine-russia", "nato"] });
  const draft = await makeEvent(
    t,
    key,
    { title: "Old draft", startsAt: "2025-09-01T12:00", topics: ["nato"] },
    { publish: false },
  );
  return { t, key, past, nato, upcoming, draft };
}

const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) throw new Error(`no section ${id}`);
  const end = html.indexOf("</section>", start);
  return html.slice(start, end);
};

describe(`archive entry page (${engine})`, () => {
  it("shows a past event with players, chapters, demo label, speakers, topics, research and more on the topic", async () => {
    const { t, past } = await library();
    const res = await t.request("GET", `/archive/${past.slug}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain("<h1>Ukraine&#39;s critical choice</h1>");
    expect(html).toContain("Thursday 20 November 2025, 12:00\u201313:00 EST (UTC\u221205:00)");

    // Players: privacy-enhanced YouTube and Vimeo, each titled; a plain link for the file.
    expect(html).toMatch(
      new RegExp(`<iframe src="https://www.youtube-nocookie.com/embed/${YT}" title="Full webinar"`),
    );
    expect(html).toMatch(
      new RegExp(`<iframe src="https://player.vimeo.com/video/${VIMEO}" title="Highlights"`),
    );
    expect(html).toContain('href="https://cdn.example.org/webinar.mp3"');
    expect(html).not.toContain("Unedited cut");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-src https://www.youtube-nocookie.com https://player.vimeo.com");
    expect(csp).toContain("script-src 'none'");

    // Chapters link to the moment, labelled m:ss (h:mm:ss past an hour), with their brief.
    expect(html).toContain(`href="https://www.youtube.com/watch?v=${YT}&amp;t=95"`);
    expect(html).toMatch(
      /<span class="at">1:35<\/span> <span class="t">The case for neutrality<\/span><\/a> \(see <a href="\/briefs\/armed-neutrality-for-ukraine">/,
    );
    expect(html).toContain(
      `href="https://www.youtube.com/watch?v=${YT}&amp;t=3725"><span class="at">1:02:05</span> <span class="t">Questions`,
    );
    expect(html).toContain(
      `href="https://vimeo.com/${VIMEO}#t=90s"><span class="at">1:30</span> <span class="t">Key exchange`,
    );

    // The demo recording says so, next to it; the real one does not.
    expect(html.match(/Demo recording/g)).toHaveLength(1);
    expect(html.indexOf("Demo recording")).toBeGreaterThan(html.indexOf(">Highlights"));

    const speakers = section(html, "speakers");
    expect(speakers).toContain(
      '<a href="/people/rajan-menon"><strong>Rajan Menon</strong></a>, Director, Grand Strategy, Defense Priorities',
    );
    expect(speakers).toContain("Moderator, Director of Military Analysis");
    expect(section(html, "topics")).toContain('<a href="/topics/nato">NATO</a>');

    // Related research grouped by relation, in a fixed order.
    const research = section(html, "research");
    const at = (s: string) => research.indexOf(s);
    expect(at("Background reading")).toBeLessThan(at("armed-neutrality-for-ukraine"));
    expect(at("armed-neutrality-for-ukraine")).toBeLessThan(at("Published after the event"));
    expect(at("Published after the event")).toBeLessThan(at("/briefs/ceasefire-lines"));
    expect(at("/briefs/ceasefire-lines")).toBeLessThan(at(">Transcript<"));
    expect(at(">Transcript<")).toBeLessThan(at("/briefs/transcript-of-the-webinar"));

    // More on this topic: past published events only, linking their archive entries.
    const more = section(html, "more");
    expect(more).toContain('href="/archive/nato-at-77"');
    expect(more).toContain("Recording available");
    expect(more).not.toContain("Spring outlook");
    expect(more).not.toContain("Old draft");
    expect(html).not.toContain(JOIN);
  });

  it("is a 404 page for upcoming, draft and unknown events; the past event page links to its entry", async () => {
    const { t, past, upcoming, draft } = await library();
    for (const slug of [upcoming.slug, draft.slug, "no-such-event", "x".repeat(150)]) {
      const res = await t.request("GET", `/archive/${slug}`);
      expect(res.status, slug).toBe(404);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.text).toContain("could not find this archive entry");
    }
    const pastPage = await t.request("GET", `/events/${past.slug}`);
    expect(pastPage.text).toContain(`href="/archive/${past.slug}"`);
    expect(pastPage.text).toContain("This event has taken place.");
    const upcomingPage = await t.request("GET", `/events/${upcoming.slug}`);
    expect(upcomingPage.text).not.toContain("/archive/");
    // Only the archive entry may frame the players.
    expect(upcomingPage.headers.get("content-security-policy")).not.toContain("frame-src");
  });
});

describe(`topic, person and brief pages (${engine})`, () => {
  it("topic page: upcoming events, past events with recordings, research and feeds", async () => {
    const { t, past, upcoming } = await library();
    const res = await t.request("GET", "/topics/ukraine-russia");
    expect(res.status).toBe(200);
    const up = section(res.text, "upcoming");
    expect(up).toContain(`href="/events/${upcoming.slug}"`);
    const old = section(res.text, "past");
    expect(old).toContain(`href="/archive/${past.slug}"`);
    expect(old).toContain("Recording available");
    expect(old).not.toContain("NATO at 77");
    expect(section(res.text, "briefs")).toContain('href="/briefs/armed-neutrality-for-ukraine"');
    expect(section(res.text, "briefs")).not.toContain("Ceasefire lines");
    expect(res.text).toContain('<link rel="alternate" type="application/rss+xml"');
    expect(res.text).toContain('href="/topics/ukraine-russia/feed.xml"');
    expect((await t.request("GET", "/topics/nope")).status).toBe(404);
    // The calendar keeps its more specific path.
    const ics = await t.request("GET", "/topics/ukraine-russia/calendar.ics");
    expect(ics.headers.get("content-type")).toContain("text/calendar");
  });

  it("person page: title, affiliation, bio, events past and upcoming, briefs", async () => {
    const { t, key, past } = await library();
    const next = await makeEvent(t, key, { title: "Menon on spring", speakers: [{ person: "rajan-menon" }] });
    const res = await t.request("GET", "/people/rajan-menon");
    expect(res.status).toBe(200);
    expect(res.text).toContain("<h1>Rajan Menon</h1>");
    expect(res.text).toContain("Director, Grand Strategy, Defense Priorities");
    expect(res.text).toContain("<p>Writes on Ukraine and Russia.</p><p>Taught at City College.</p>");
    expect(section(res.text, "upcoming")).toContain(`href="/events/${next.slug}"`);
    expect(section(res.text, "past")).toContain(`href="/archive/${past.slug}"`);
    expect(section(res.text, "briefs")).toContain("Armed neutrality for Ukraine");
    expect(section(res.text, "briefs")).not.toContain("Ceasefire lines");
    expect((await t.request("GET", "/people/nobody")).status).toBe(404);
  });

  it("brief page: details, authors, topics, link, and related events (explicit links first)", async () => {
    const { t, key, past } = await library();
    // Shares the brief's topic (and author) but does not link the brief: listed after the explicit link.
    const later = await makeEvent(t, key, {
      title: "Neutrality revisited",
      startsAt: "2025-12-20T12:00",
      topics: ["ukraine-russia"],
      speakers: [{ person: "rajan-menon" }],
    });
    const res = await t.request("GET", "/briefs/armed-neutrality-for-ukraine");
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain("<h1>Armed neutrality for Ukraine</h1>");
    expect(html).toContain("Op-ed");
    expect(html).toContain("<dd>Foreign Policy</dd>");
    expect(html).toContain('<time datetime="2025-10-02">2025-10-02</time>');
    expect(html).toContain('<a href="/people/rajan-menon">Rajan Menon</a>');
    expect(html).toContain('<a href="/topics/ukraine-russia">Ukraine-Russia</a>');
    expect(html).toContain('href="https://example.org/neutrality"');
    const events = section(html, "events");
    expect(events.indexOf(`/archive/${past.slug}`)).toBeGreaterThan(-1);
    expect(events.indexOf(`/archive/${past.slug}`)).toBeLessThan(events.indexOf(`/archive/${later.slug}`));
    expect(events).toContain("background reading for this event");
    expect(events).not.toContain("Old draft");
    expect((await t.request("GET", "/briefs/missing")).status).toBe(404);
  });
});
