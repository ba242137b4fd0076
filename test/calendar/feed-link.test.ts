import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accessTokens } from "../../src/db/schema.js";
import { createTestApp, engine } from "../support/app.js";
import {
  feedTokens,
  JOIN_URL,
  joinLinkIn,
  link,
  manageToken,
  ORIGIN,
  post,
  unfold,
} from "../support/calendar-pages.js";
import { makeEvent } from "../support/events.js";

describe(`the calendar feed link on the manage page (${engine})`, () => {
  async function setup() {
    const t = await createTestApp();
    const key = await t.key();
    const a = await makeEvent(t, key, { title: "Webinar A", startsAt: "2026-02-10T12:00" });
    const b = await makeEvent(t, key, { title: "Webinar B", startsAt: "2026-02-11T12:00" });
    const other = await makeEvent(t, key, { title: "Not hers", startsAt: "2026-02-12T12:00" });
    const token = await manageToken(t, a.slug, "ada@example.org");
    await manageToken(t, b.slug, "ada@example.org");
    await manageToken(t, other.slug, "bob@example.org");
    return { t, token };
  }

  const feedLinks = (html: string) => {
    const webcal = link(html, "Subscribe to my calendar feed");
    const https = link(html, "Download my calendar feed (.ics)");
    return { webcal, https, token: https && /\/feeds\/([0-9a-z]+)\/calendar\.ics$/.exec(https)?.[1] };
  };

  it("makes no token on page views; shows the link once when asked, with a warning", async () => {
    const { t, token } = await setup();
    for (let i = 0; i < 3; i++) {
      const page = await t.request("GET", `/r/${token}`);
      expect(page.text).toContain('<h2 id="calendar-feed">Your calendar feed</h2>');
      expect(page.text).toContain(`<form method="post" action="/r/${token}/feed">`);
      expect(page.text).toContain("Get my calendar feed link</button>");
      expect(page.text).not.toContain("/feeds/");
    }
    expect(await feedTokens(t)).toEqual([]);

    const res = await post(t, `/r/${token}/feed`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.text).toContain("Anyone who has it can see the events you registered for");
    // The link is named for what it is, whatever its scheme (on main it said "(https)" for http://).
    expect(res.text).not.toContain("(https)");
    const links = feedLinks(res.text);
    expect(links.token).toMatch(/^[0-9a-z]{48}$/);
    expect(links.https).toBe(`${ORIGIN}/feeds/${links.token}/calendar.ics`);
    expect(links.webcal).toBe(`webcal://events.example.org/feeds/${links.token}/calendar.ics`);
    expect(res.text).toContain(`id="feed-url" value="${links.https}" readonly=""`);
    expect(res.text).toContain('<label for="feed-url">');
    expect(link(res.text, "Back to your registration")).toBe(`/r/${token}`);
    expect(await feedTokens(t)).toHaveLength(1);

    // The feed: her two registrations with personal join links, nobody else's, never the meeting URL.
    const feed = await t.request("GET", new URL(links.https!).pathname);
    expect(feed.status).toBe(200);
    expect(feed.text).toContain("SUMMARY:Webinar A");
    expect(feed.text).toContain("SUMMARY:Webinar B");
    expect(feed.text).not.toContain("Not hers");
    expect(unfold(feed.text)).toMatch(/LOCATION:https:\/\/events\.example\.org\/j\/f\/reg_\w+\/[0-9a-z]{26}/);
    expect(feed.text).not.toContain(JOIN_URL);

    // Later views offer a replacement instead, and never show the link again.
    const later = await t.request("GET", `/r/${token}`);
    expect(later.text).toContain(`<form method="post" action="/r/${token}/feed/replace">`);
    expect(later.text).toContain("Replace my feed link</button>");
    expect(later.text).not.toContain("Get my calendar feed link");
    expect(later.text).not.toContain(links.token!);
    expect(await feedTokens(t)).toHaveLength(1);
  });

  it("replaces the link: the old feed and its join links stop working, the new ones work", async () => {
    const { t, token } = await setup();
    const first = feedLinks((await post(t, `/r/${token}/feed`)).text);
    const oldFeed = await t.request("GET", new URL(first.https!).pathname);
    const oldJoin = joinLinkIn(oldFeed.text);
    expect((await t.request("GET", oldJoin.pathname)).status).toBe(200);

    const res = await post(t, `/r/${token}/feed/replace`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.text).toContain("Your earlier feed links no longer work");
    const second = feedLinks(res.text);
    expect(second.token).toMatch(/^[0-9a-z]{48}$/);
    expect(second.token).not.toBe(first.token);

    expect((await t.request("GET", new URL(first.https!).pathname)).status).toBe(404);
    expect((await t.request("GET", oldJoin.pathname)).status).toBe(404);
    const fresh = await t.request("GET", new URL(second.https!).pathname);
    expect(fresh.status).toBe(200);
    const newJoin = joinLinkIn(fresh.text);
    expect(newJoin.pathname).not.toBe(oldJoin.pathname);
    expect((await t.request("GET", newJoin.pathname)).status).toBe(200);
    const live = (await feedTokens(t)).filter((r) => r.revokedAt === null);
    expect(live).toHaveLength(1);
  });

  it("refuses both posts from another site or without an Origin, and changes nothing", async () => {
    const { t, token } = await setup();
    await post(t, `/r/${token}/feed`);
    const before = await feedTokens(t);
    for (const path of [`/r/${token}/feed`, `/r/${token}/feed/replace`]) {
      for (const origin of ["https://evil.example", null]) {
        const res = await post(t, path, origin);
        expect(res.status).toBe(403);
        expect(res.text).toContain("Form refused");
        expect(res.text).not.toContain("/feeds/");
      }
    }
    expect(await feedTokens(t)).toEqual(before);
    // The request's own origin passes, as for the other manage-page forms.
    expect((await post(t, `/r/${token}/feed`, "http://localhost")).status).toBe(200);
  });

  it("answers an unknown, malformed or erased manage token with a 404 page and makes nothing", async () => {
    const { t, token } = await setup();
    for (const bad of ["abcdefghijklmnopqrstuvwxyz0123456789abc", "x"]) {
      for (const path of [`/r/${bad}/feed`, `/r/${bad}/feed/replace`]) {
        const res = await post(t, path);
        expect(res.status).toBe(404);
        expect(res.headers.get("content-type")).toContain("text/html");
      }
    }
    expect(await post(t, `/r/${token}/erase`)).toMatchObject({ status: 200 });
    expect((await post(t, `/r/${token}/feed`)).status).toBe(404);
    expect(await feedTokens(t)).toEqual([]);
  });

  it("keeps manage and feed tokens out of the logs", async () => {
    const lines: string[] = [];
    const t = await createTestApp({
      deps: { log: (level, msg, fields) => lines.push(JSON.stringify({ level, msg, ...fields })) },
    });
    const key = await t.key();
    const e = await makeEvent(t, key);
    const token = await manageToken(t, e.slug, "ada@example.org");
    await t.request("GET", `/r/${token}`);
    const made = feedLinks((await post(t, `/r/${token}/feed`)).text);
    await t.request("GET", new URL(made.https!).pathname);
    const replaced = feedLinks((await post(t, `/r/${token}/feed/replace`)).text);
    await t.request("GET", new URL(replaced.https!).pathname);
    const log = lines.join("\n");
    expect(log).toContain('"path":"/r/:token/feed"');
    expect(log).toContain('"path":"/feeds/:token/calendar.ics"');
    for (const secret of [token, made.token!, replaced.token!]) expect(log).not.toContain(secret);
    const [row] = await t.db
      .select()
      .from(accessTokens)
      .where(and(eq(accessTokens.kind, "feed")));
    // Only the hash is stored.
    expect(row!.hash).not.toBe(made.token);
  });
});
