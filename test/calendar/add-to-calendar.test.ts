import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";
import { link, manageToken, NAMES, ORIGIN, post } from "../support/calendar-pages.js";
import { makeEvent } from "../support/events.js";

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
