import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accessTokens } from "../../src/db/schema.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";

/** "Add to calendar" on the event and manage pages, and the personal feed link on the manage page. */

const ORIGIN = "https://events.example.org";
const JOIN_URL = "https://zoom.example.com/j/123";
const NAMES = {
  google: "Add to Google Calendar",
  outlook: "Add to Outlook.com",
  office365: "Add to Outlook (Microsoft 365)",
  ics: "Download the calendar file (.ics)",
  all: "Subscribe to all Defense Priorities events",
} as const;

const decodeHtml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** Every <a> of a page as [accessible name (its text), href]. */
function anchors(html: string): [string, string][] {
  return [...html.matchAll(/<a\s([^>]*)>([\s\S]*?)<\/a>/g)].map((m) => [
    decodeHtml(m[2]!.replace(/<[^>]+>/g, "").trim()),
    decodeHtml(/href="([^"]*)"/.exec(m[1]!)?.[1] ?? ""),
  ]);
}

/** The href of the one link with this accessible name, or undefined when there is none. */
function link(html: string, name: string): string | undefined {
  const found = anchors(html).filter(([text]) => text === name);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.[1];
}

function post(t: TestApp, path: string, origin: string | null = ORIGIN) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (origin) headers.origin = origin;
  return t.request("POST", path, { body: "", headers });
}

async function manageToken(t: TestApp, slug: string, email: string) {
  const res = await registerFor(t, slug, { email });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${res.text}`);
  return res.body.manageUrl.split("/r/")[1] as string;
}

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
const joinLinkIn = (ics: string) => new URL(/LOCATION:(\S+\/j\/f\/\S+)/.exec(unfold(ics))![1]!);

const feedTokens = (t: TestApp) => t.db.select().from(accessTokens).where(eq(accessTokens.kind, "feed"));

describe(`"Add to calendar" on the event page (${engine})`, () => {
  it("offers Google, Outlook, the .ics download and the public subscription as plain named links", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { summary: "An hour on Ukraine." });
    const res = await t.request("GET", `/events/${e.slug}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain('<section aria-labelledby="add-to-calendar"><h2 id="add-to-calendar">');
    expect(link(html, NAMES.ics)).toBe(`${ORIGIN}/events/${e.slug}.ics`);
    expect(link(html, NAMES.all)).toBe("webcal://events.example.org/calendar.ics");
    const google = new URL(link(html, NAMES.google)!);
    expect(google.origin + google.pathname).toBe("https://calendar.google.com/calendar/render");
    expect(google.searchParams.get("action")).toBe("TEMPLATE");
    expect(google.searchParams.get("text")).toBe(e.title);
    expect(google.searchParams.get("dates")).toBe("20260416T160000Z/20260416T170000Z");
    expect(google.searchParams.get("details")).toContain(`${ORIGIN}/events/${e.slug}`);
    const outlook = new URL(link(html, NAMES.outlook)!);
    expect(outlook.origin).toBe("https://outlook.live.com");
    expect(outlook.searchParams.get("startdt")).toBe("2026-04-16T16:00:00Z");
    expect(outlook.searchParams.get("enddt")).toBe("2026-04-16T17:00:00Z");
    expect(outlook.searchParams.get("subject")).toBe(e.title);
    expect(new URL(link(html, NAMES.office365)!).origin).toBe("https://outlook.office.com");
    // No script, and nothing private in any URL handed to another site.
    expect(html).not.toMatch(/<script(?! type="application\/ld\+json")/);
    expect(html).not.toMatch(/ on[a-z]+=/);
    expect(html).not.toContain("zoom.example.com");

    // Both targets of our own exist: the download and the subscription.
    const ics = await t.request("GET", new URL(link(html, NAMES.ics)!).pathname);
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(ics.text).toContain(`SUMMARY:${e.title.slice(0, 20)}`);
    const all = await t.request(
      "GET",
      new URL(link(html, NAMES.all)!.replace(/^webcal:/, "https:")).pathname,
    );
    expect(all.status).toBe(200);
    expect(all.text).toContain("BEGIN:VCALENDAR");
  });

  it("sends UTC instants across DST changes (New York, Kyiv, Lord Howe's half hour)", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const cases = [
      // 01:30 EST to 04:30 EDT: clocks jump at 02:00, so two hours pass, not three.
      {
        zone: "America/New_York",
        at: "2026-03-08T01:30",
        minutes: 120,
        dates: ["20260308T063000Z", "20260308T083000Z"],
      },
      // A winter and a summer event at the same wall-clock time are an hour apart in UTC.
      {
        zone: "America/New_York",
        at: "2026-01-20T12:00",
        minutes: 60,
        dates: ["20260120T170000Z", "20260120T180000Z"],
      },
      {
        zone: "America/New_York",
        at: "2026-07-20T12:00",
        minutes: 60,
        dates: ["20260720T160000Z", "20260720T170000Z"],
      },
      // 02:30 EEST to 03:30 EET: clocks fall back at 04:00, so two hours pass, not one.
      {
        zone: "Europe/Kyiv",
        at: "2026-10-25T02:30",
        minutes: 120,
        dates: ["20261024T233000Z", "20261025T013000Z"],
      },
      // 01:00 LHDT (+11) to 02:00 LHST (+10:30): the clocks go back half an hour at 02:00.
      {
        zone: "Australia/Lord_Howe",
        at: "2026-04-05T01:00",
        minutes: 90,
        dates: ["20260404T140000Z", "20260404T153000Z"],
      },
    ];
    for (const [i, c] of cases.entries()) {
      const e = await makeEvent(t, key, {
        title: `DST ${i}`,
        startsAt: c.at,
        timeZone: c.zone,
        durationMinutes: c.minutes,
      });
      // The API's own instants agree with the expectation (the same event, read another way).
      expect([e.startsAt, e.endsAt].map((s: string) => s.replace(/[-:]|\.\d+/g, ""))).toEqual(c.dates);
      const html = (await t.request("GET", `/events/${e.slug}`)).text;
      const google = new URL(link(html, NAMES.google)!);
      expect(google.searchParams.get("dates"), c.zone).toBe(c.dates.join("/"));
      expect(google.searchParams.get("ctz")).toBe(c.zone);
      for (const name of [NAMES.outlook, NAMES.office365]) {
        const outlook = new URL(link(html, name)!);
        const start = outlook.searchParams.get("startdt")!;
        const end = outlook.searchParams.get("enddt")!;
        expect(start).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(new Date(start).toISOString()).toBe(new Date(e.startsAt).toISOString());
        expect(new Date(end).toISOString()).toBe(new Date(e.endsAt).toISOString());
        expect((Date.parse(end) - Date.parse(start)) / 60_000).toBe(c.minutes);
      }
    }
  });

  it("is left out for cancelled and past events, and stays while an event is running", async () => {
    const t = await createTestApp({ now: "2026-03-01T12:00:00Z" });
    const key = await t.key();
    const past = await makeEvent(t, key, { title: "Past", startsAt: "2026-02-01T12:00" });
    const cancelled = await makeEvent(t, key, { title: "Called off" });
    await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key });
    const live = await makeEvent(t, key, {
      title: "Live",
      startsAt: "2026-03-01T06:30",
      durationMinutes: 60,
    });
    const page = async (slug: string) => (await t.request("GET", `/events/${slug}`)).text;
    for (const slug of [past.slug, cancelled.slug]) {
      const html = await page(slug);
      expect(html).not.toContain("add-to-calendar");
      expect(link(html, NAMES.google)).toBeUndefined();
    }
    // 06:30 EST is 11:30 UTC: running at 12:00 UTC, over at 12:30.
    expect(link(await page(live.slug), NAMES.google)).toBeDefined();
    t.clock.set("2026-03-01T12:30:00Z");
    expect(link(await page(live.slug), NAMES.google)).toBeUndefined();
  });
});

describe(`"Add to calendar" on the manage page (${engine})`, () => {
  it("is there for a confirmed or waitlisted registration, without the personal join link", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1 });
    const seat = await manageToken(t, e.slug, "seat@example.org");
    const queued = await manageToken(t, e.slug, "queue@example.org");

    const mine = (await t.request("GET", `/r/${seat}`)).text;
    expect(link(mine, NAMES.ics)).toBe(`${ORIGIN}/events/${e.slug}.ics`);
    expect(link(mine, NAMES.all)).toBe("webcal://events.example.org/calendar.ics");
    expect(new URL(link(mine, NAMES.google)!).searchParams.get("dates")).toBe(
      "20260416T160000Z/20260416T170000Z",
    );
    expect(new URL(link(mine, NAMES.outlook)!).searchParams.get("startdt")).toBe("2026-04-16T16:00:00Z");
    expect(mine).toContain("Your personal join link is in the invitation we emailed you");
    // The personal /j/ link is on the page, but in none of the calendar links.
    for (const name of Object.values(NAMES)) {
      expect(link(mine, name)).not.toMatch(/\/j\/|zoom\.example\.com/);
    }
    expect(mine).not.toContain("zoom.example.com");

    const waiting = (await t.request("GET", `/r/${queued}`)).text;
    expect(link(waiting, NAMES.google)).toBeDefined();
    expect(waiting).toContain("adding the event holds the time, not a seat");
  });

  it("is left out after a cancellation and once the event is over", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const gone = await manageToken(t, e.slug, "gone@example.org");
    const kept = await manageToken(t, e.slug, "kept@example.org");
    expect((await post(t, `/r/${gone}/cancel`)).status).toBe(303);
    expect(link((await t.request("GET", `/r/${gone}`)).text, NAMES.google)).toBeUndefined();
    expect(link((await t.request("GET", `/r/${kept}`)).text, NAMES.google)).toBeDefined();
    t.clock.set("2026-04-16T17:00:00Z");
    expect(link((await t.request("GET", `/r/${kept}`)).text, NAMES.google)).toBeUndefined();
  });
});

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
    const https = link(html, "Open my calendar feed (https)");
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
