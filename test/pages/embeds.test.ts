import { describe, expect, it } from "vitest";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { YT } from "../support/recordings.js";

/**
 * Issue 15's embeddable blocks: what a host page frames (/embed/...), who may frame it
 * (EMBED_ORIGINS), how it revalidates, and what it refuses.
 */

const INSTITUTE = "https://www.institute.example";
const PHOTO = "https://cdn.institute.example/people/kavanagh.jpg";

/** Two topics, two people (one with a photo), two upcoming events, a past one with a recording, a draft. */
async function institute(t: TestApp) {
  const key = await t.key();
  const post = async (path: string, body: unknown) =>
    (await t.request("POST", `/api/v1${path}`, { key, body })).body;
  const kavanagh = await post("/people", {
    name: "Jennifer Kavanagh",
    title: "Director of Military Analysis",
    photoUrl: PHOTO,
  });
  const depetris = await post("/people", { name: "Daniel DePetris", title: "Fellow" });
  const ukraine = await post("/topics", { name: "Ukraine-Russia" });
  const nato = await post("/topics", { name: "NATO" });
  const choice = await makeEvent(t, key, {
    title: "Ukraine's critical choice: Pursue peace or fight on",
    summary: "A webinar with **three** experts.",
    startsAt: "2026-06-04T12:00",
    speakers: [{ person: kavanagh.slug }, { person: depetris.slug, role: "moderator" }],
    topics: [ukraine.slug],
  });
  const alliance = await makeEvent(t, key, {
    title: "NATO at 77",
    startsAt: "2026-06-10T12:00",
    topics: [nato.slug],
  });
  const past = await makeEvent(t, key, {
    title: "Armed neutrality, one year on",
    startsAt: "2026-04-16T12:00",
    topics: [ukraine.slug],
    speakers: [{ person: kavanagh.slug }],
  });
  const recording = await t.request("POST", `/api/v1/events/${past.slug}/recordings`, {
    key,
    body: { kind: "video", provider: "youtube", url: YT, published: true },
  });
  expect(recording.status).toBe(201);
  const draft = await makeEvent(
    t,
    key,
    { title: "Secret draft", topics: [ukraine.slug] },
    { publish: false },
  );
  return { key, kavanagh, depetris, ukraine, nato, choice, alliance, past, draft };
}

async function setup() {
  const t = await createTestApp({ now: "2026-05-01T12:00:00Z" });
  return { t, ...(await institute(t)) };
}

const frameAncestors = (csp: string | null) => /frame-ancestors ([^;]+)/.exec(csp ?? "")?.[1];
const anchors = (html: string) => [...html.matchAll(/<a [^>]*>/g)].map((m) => m[0]);
const images = (html: string) => [...html.matchAll(/<img [^>]*>/g)].map((m) => m[0]);

describe(`embeddable event blocks (${engine})`, () => {
  it("shows a topic's upcoming events with their experts, and not other topics, drafts or past events", async () => {
    const { t, ukraine, choice } = await setup();
    const res = await t.request("GET", `/embed/topics/${ukraine.slug}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.text).toContain("<h1>Events on Ukraine-Russia</h1>");
    expect(res.text).toContain("Ukraine&#39;s critical choice: Pursue peace or fight on");
    expect(res.text).toContain("Thursday 4 June 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
    expect(res.text).toContain("Jennifer Kavanagh");
    expect(res.text).toContain('Daniel DePetris<span class="meta"> (Moderator)</span>');
    expect(res.text).toContain(`href="https://events.example.org/events/${choice.slug}"`);
    expect(res.text).not.toContain("NATO at 77");
    expect(res.text).not.toContain("Secret draft");
    expect(res.text).not.toContain("Armed neutrality");
    expect(res.text).toContain(`href="https://events.example.org/topics/${ukraine.slug}"`);
  });

  it("lists every topic's upcoming events soonest first, up to ?limit=", async () => {
    const { t } = await setup();
    const all = await t.request("GET", "/embed/events");
    expect(all.text).toContain("<h1>Upcoming events</h1>");
    expect(all.text.indexOf("Ukraine&#39;s critical choice")).toBeLessThan(all.text.indexOf("NATO at 77"));
    const one = await t.request("GET", "/embed/events?limit=1");
    expect(one.text).toContain("Ukraine&#39;s critical choice");
    expect(one.text).not.toContain("NATO at 77");
  });

  it("adds recent recordings on ?recordings=, linking to their archive entries", async () => {
    const { t, ukraine, past } = await setup();
    const without = await t.request("GET", `/embed/topics/${ukraine.slug}`);
    expect(without.text).not.toContain("Recent recordings");
    const res = await t.request("GET", `/embed/topics/${ukraine.slug}?recordings=3`);
    expect(res.text).toContain("<h2>Recent recordings</h2>");
    expect(res.text).toContain(`href="https://events.example.org/archive/${past.slug}"`);
    expect(res.text).toContain("Armed neutrality, one year on");
  });

  it("has no script, no external file, and opens every link in a new tab", async () => {
    const { t, ukraine, choice } = await setup();
    for (const path of [
      `/embed/topics/${ukraine.slug}?recordings=3`,
      "/embed/events",
      `/embed/events/${choice.slug}`,
    ]) {
      const res = await t.request("GET", path);
      expect(res.text, path).not.toMatch(/<script|<link|@import|url\(/i);
      expect(res.text, path).toMatch(/<style>[^<]+<\/style>/);
      const links = anchors(res.text);
      expect(links.length, path).toBeGreaterThan(1);
      for (const a of links) expect(a, path).toMatch(/ target="_blank" rel="noopener"/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+={0,2}'(;|$)/);
    }
  });

  it("follows the reader's colour scheme by default and holds light or dark on ?theme=", async () => {
    const { t, ukraine } = await setup();
    const css = async (theme?: string) => {
      const res = await t.request("GET", `/embed/topics/${ukraine.slug}${theme ? `?theme=${theme}` : ""}`);
      return {
        css: /<style>([^<]+)<\/style>/.exec(res.text)![1]!,
        csp: res.headers.get("content-security-policy")!,
      };
    };
    const auto = await css();
    expect(auto.css).toContain("@media (prefers-color-scheme:dark)");
    expect(auto.css).toContain("color-scheme:light dark");
    const dark = await css("dark");
    expect(dark.css).not.toContain("prefers-color-scheme");
    expect(dark.css).toContain("--bg:#16191d");
    expect(dark.css).not.toContain("--bg:#fff");
    const light = await css("light");
    expect(light.css).toContain("--bg:#fff");
    expect(light.css).not.toContain("--bg:#16191d");
    // Each variant is allowed by its own hash, so one page's style cannot run in another's.
    expect(new Set([auto.csp, dark.csp, light.csp]).size).toBe(3);
  });

  it("lets only EMBED_ORIGINS frame the blocks, and no site when it is empty", async () => {
    const { t, ukraine, choice } = await setup();
    const paths = [
      "/embed/events",
      `/embed/topics/${ukraine.slug}`,
      `/embed/events/${choice.slug}`,
      "/embed/topics/nothing",
    ];
    for (const path of paths) {
      const res = await t.request("GET", path);
      expect(frameAncestors(res.headers.get("content-security-policy")), path).toBe("'none'");
    }
    t.deps.config.EMBED_ORIGINS = [INSTITUTE, "http://127.0.0.1:8080"];
    for (const path of paths) {
      const res = await t.request("GET", path);
      expect(frameAncestors(res.headers.get("content-security-policy")), path).toBe(
        `${INSTITUTE} http://127.0.0.1:8080`,
      );
      // X-Frame-Options: SAMEORIGIN would refuse the institute whatever the CSP says.
      expect(res.headers.get("x-frame-options"), path).toBeNull();
    }
  });

  it("keeps every other page unframable, whatever EMBED_ORIGINS says", async () => {
    const { t, ukraine, choice, past } = await setup();
    t.deps.config.EMBED_ORIGINS = [INSTITUTE];
    for (const path of ["/", `/events/${choice.slug}`, `/archive/${past.slug}`, `/topics/${ukraine.slug}`]) {
      const res = await t.request("GET", path);
      expect(res.status, path).toBe(200);
      expect(frameAncestors(res.headers.get("content-security-policy")), path).toBe("'none'");
      expect(res.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
    }
    const api = await t.request("GET", `/api/v1/events/${choice.slug}`);
    expect(api.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  });

  it("answers If-None-Match with 304 until the block changes", async () => {
    const { t, key, ukraine, choice } = await setup();
    const path = `/embed/topics/${ukraine.slug}`;
    const first = await t.request("GET", path);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"embed-[0-9a-z]+"$/);
    expect(first.headers.get("cache-control")).toBe("public, max-age=300");
    const again = await t.request("GET", path, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    const edit = await t.request("PATCH", `/api/v1/events/${choice.slug}`, {
      key,
      body: { title: "Ukraine's choice, revisited" },
    });
    expect(edit.status).toBe(200);
    const changed = await t.request("GET", path, { headers: { "if-none-match": etag! } });
    expect(changed.status).toBe(200);
    expect(changed.text).toContain("Ukraine&#39;s choice, revisited");
    // Time alone changes it too: once the event has ended, it leaves the upcoming list.
    t.clock.set("2026-06-05T00:00:00Z");
    const later = await t.request("GET", path, {
      headers: { "if-none-match": changed.headers.get("etag")! },
    });
    expect(later.status).toBe(200);
    expect(later.text).toContain("No events are scheduled right now.");
  });

  it("answers an unknown topic or event, a draft and a mistyped parameter with 404 or 422", async () => {
    const { t, draft, ukraine } = await setup();
    const topic = await t.request("GET", "/embed/topics/no-such-topic");
    expect(topic.status).toBe(404);
    expect(topic.headers.get("content-type")).toMatch(/^text\/html/);
    expect(topic.text).toContain("We could not find this topic.");
    expect(topic.headers.get("etag")).toBeNull();
    expect((await t.request("GET", "/embed/events/no-such-event")).status).toBe(404);
    const hidden = await t.request("GET", `/embed/events/${draft.slug}`);
    expect(hidden.status).toBe(404);
    expect(hidden.text).not.toContain("Secret draft");
    for (const query of [
      "colour=red",
      "theme=pink",
      "limit=0",
      "limit=21",
      "recordings=11",
      "recordings=x",
    ]) {
      const res = await t.request("GET", `/embed/topics/${ukraine.slug}?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.headers.get("content-type"), query).toBe("application/problem+json");
      expect(res.body.errors[0].field, query).toBe(query.split("=")[0]);
    }
    expect((await t.request("GET", "/embed/events/x?limit=3")).status).toBe(422);
  });

  it("shows one event's card, upcoming, archived or cancelled, with its experts' photos", async () => {
    const { t, key, choice, past } = await setup();
    const card = await t.request("GET", `/embed/events/${choice.slug}`);
    expect(card.status).toBe(200);
    expect(card.text).toContain("A webinar with three experts.");
    expect(card.text).toContain(`href="https://events.example.org/events/${choice.slug}"`);
    expect(images(card.text)).toEqual([
      `<img class="photo" src="${PHOTO}" alt="Photo of Jennifer Kavanagh" width="40" height="40" loading="lazy" decoding="async"/>`,
    ]);
    expect(card.text).toContain("Daniel DePetris");
    const archived = await t.request("GET", `/embed/events/${past.slug}`);
    expect(archived.status).toBe(200);
    expect(archived.text).toContain(`href="https://events.example.org/archive/${past.slug}"`);
    expect(archived.text).toContain("Watch and read more in the archive");
    const off = await makeEvent(t, key, { title: "Called off", startsAt: "2026-06-20T12:00" });
    expect((await t.request("POST", `/api/v1/events/${off.slug}/cancel`, { key })).status).toBe(200);
    const cancelled = await t.request("GET", `/embed/events/${off.slug}`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.text).toContain('<p class="flag">This event was cancelled.</p>');
    expect((await t.request("GET", "/embed/events")).text).not.toContain("Called off");
  });
});
