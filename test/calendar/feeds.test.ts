import { describe, expect, it } from "vitest";
import { events } from "../../src/db/schema.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

/** Feeds, single-event downloads and their validators, on libsql and on D1 in workerd. */

const JOIN_URL = "https://zoom.example.com/j/123";
const DAY = 86_400_000;

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
const vevents = (ics: string) => unfold(ics).split("BEGIN:VEVENT\r\n").slice(1);
const prop = (block: string, name: string) =>
  block
    .split("\r\n")
    .find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`))
    ?.replace(/^[^:]*:/, "");
const summaries = (ics: string) => vevents(ics).map((v) => prop(v, "SUMMARY"));

async function setup(now = "2026-01-15T12:00:00Z") {
  const t = await createTestApp({ now });
  const key = await t.key(["admin"]);
  return { t, key };
}

const get = (t: TestApp, path: string, headers: Record<string, string> = {}) =>
  t.request("GET", path, { headers });

describe(`the public calendar feed (${engine})`, () => {
  it("lists published events, upcoming and the last 30 days, and never drafts or join links", async () => {
    const { t, key } = await setup();
    await makeEvent(t, key, { title: "Upcoming", startsAt: "2026-02-01T12:00" });
    await makeEvent(t, key, { title: "Last week", startsAt: "2026-01-08T12:00" });
    await makeEvent(t, key, { title: "Long ago", startsAt: "2025-11-01T12:00" });
    await makeEvent(t, key, { title: "Draft", startsAt: "2026-02-02T12:00" }, { publish: false });

    const res = await get(t, "/calendar.ics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect(res.headers.get("content-disposition")).toBe('inline; filename="calendar.ics"');
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    expect(res.headers.get("etag")).toMatch(/^"ics-[0-9a-z]+"$/);
    expect(summaries(res.text)).toEqual(["Last week", "Upcoming"]);
    expect(res.text).toContain("REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n");
    expect(res.text).toContain("X-PUBLISHED-TTL:PT1H\r\n");
    expect(res.text).toContain("X-WR-CALNAME:Defense Priorities events\r\n");
    expect(res.text).toContain("BEGIN:VTIMEZONE\r\nTZID:America/New_York\r\n");
    expect(res.text).not.toContain("VALARM");
    expect(res.text).not.toContain(JOIN_URL);
    expect(res.text.endsWith("END:VCALENDAR\r\n")).toBe(true);
  });

  it("keeps a cancelled event as STATUS:CANCELLED for 30 days after the cancellation", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, { title: "Called off", startsAt: "2026-01-20T12:00" });
    t.clock.set("2026-01-16T09:00:00Z");
    expect((await t.request("POST", `/api/v1/events/${e.slug}/cancel`, { key })).status).toBe(200);

    const cancelled = vevents((await get(t, "/calendar.ics")).text);
    expect(cancelled).toHaveLength(1);
    expect(prop(cancelled[0]!, "STATUS")).toBe("CANCELLED");
    expect(prop(cancelled[0]!, "SEQUENCE")).toBe("1");
    expect(prop(cancelled[0]!, "SUMMARY")).toBe("Cancelled: Called off");

    t.clock.set(new Date(Date.parse("2026-01-16T09:00:00Z") + 30 * DAY - 1000));
    expect(summaries((await get(t, "/calendar.ics")).text)).toEqual(["Cancelled: Called off"]);
    t.clock.set(new Date(Date.parse("2026-01-16T09:00:00Z") + 30 * DAY));
    expect(summaries((await get(t, "/calendar.ics")).text)).toEqual([]);
    // The event's own file stays: it still says the event is cancelled.
    expect((await get(t, `/events/${e.slug}.ics`)).text).toContain("STATUS:CANCELLED\r\n");
  });

  it("answers If-None-Match and If-Modified-Since with 304, and If-None-Match takes precedence", async () => {
    const { t, key } = await setup();
    await makeEvent(t, key, { title: "Cached" });
    const first = await get(t, "/calendar.ics");
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    expect(lastModified).toBe("Thu, 15 Jan 2026 12:00:00 GMT");

    const byTag = await get(t, "/calendar.ics", { "if-none-match": etag });
    expect(byTag.status).toBe(304);
    expect(byTag.text).toBe("");
    expect(byTag.headers.get("etag")).toBe(etag);
    expect(byTag.headers.get("cache-control")).toBe("public, max-age=300");
    expect((await get(t, "/calendar.ics", { "if-none-match": `"x", W/${etag}` })).status).toBe(304);
    const head = await t.request("HEAD", "/calendar.ics");
    expect(head.status).toBe(200);
    expect(head.text).toBe("");
    expect(head.headers.get("etag")).toBe(etag);

    expect((await get(t, "/calendar.ics", { "if-modified-since": lastModified })).status).toBe(304);
    const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await get(t, "/calendar.ics", { "if-modified-since": earlier })).status).toBe(200);
    const both = await get(t, "/calendar.ics", {
      "if-none-match": '"other"',
      "if-modified-since": lastModified,
    });
    expect(both.status).toBe(200);
    expect(both.text).toBe(first.text);
  });

  it("changes its validators when an event in it changes, and only then", async () => {
    const { t, key } = await setup();
    const inFeed = await makeEvent(t, key, { title: "In the feed" });
    const draft = await makeEvent(t, key, { title: "Draft" }, { publish: false });
    const old = await makeEvent(t, key, { title: "Old", startsAt: "2025-10-01T12:00" });
    const v1 = await get(t, "/calendar.ics");

    t.clock.set("2026-01-15T13:00:00Z");
    await t.request("PATCH", `/api/v1/events/${draft.slug}`, { key, body: { summary: "Still a draft" } });
    await t.request("PATCH", `/api/v1/events/${old.slug}`, { key, body: { summary: "Archive note" } });
    const v2 = await get(t, "/calendar.ics", { "if-none-match": v1.headers.get("etag")! });
    expect(v2.status).toBe(304);
    const since1 = { "if-modified-since": v1.headers.get("last-modified")! };
    expect((await get(t, "/calendar.ics", since1)).status).toBe(304);
    expect((await get(t, "/calendar.ics")).headers.get("last-modified")).toBe(
      v1.headers.get("last-modified"),
    );

    t.clock.set("2026-01-15T14:00:00Z");
    await t.request("PATCH", `/api/v1/events/${inFeed.slug}`, {
      key,
      body: { summary: "Now with a summary" },
    });
    const v3 = await get(t, "/calendar.ics", { "if-none-match": v1.headers.get("etag")! });
    expect(v3.status).toBe(200);
    expect(v3.headers.get("etag")).not.toBe(v1.headers.get("etag"));
    expect(v3.headers.get("last-modified")).toBe("Thu, 15 Jan 2026 14:00:00 GMT");
    expect(unfold(v3.text)).toContain("Now with a summary");
    const since = { "if-modified-since": v1.headers.get("last-modified")! };
    expect((await get(t, "/calendar.ics", since)).status).toBe(200);
  });

  it("changes its validators when an event is changed outside the app, straight in the database", async () => {
    const { t, key } = await setup();
    await makeEvent(t, key, { title: "Edited by hand" });
    const before = await get(t, "/calendar.ics");
    const etag = before.headers.get("etag")!;
    expect((await get(t, "/calendar.ics", { "if-none-match": etag })).status).toBe(304);
    await t.db
      .update(events)
      .set({ summary: "Fixed by an operator", updatedAt: new Date("2026-01-15T12:30:00Z") });
    const after = await get(t, "/calendar.ics", { "if-none-match": etag });
    expect(after.status).toBe(200);
    expect(unfold(after.text)).toContain("Fixed by an operator");
  });

  it("changes its validators when an event ages out of the 30-day window", async () => {
    const { t, key } = await setup();
    await makeEvent(t, key, { title: "Ending soon", startsAt: "2026-01-20T12:00" });
    await makeEvent(t, key, { title: "Later", startsAt: "2026-06-01T12:00" });
    const before = await get(t, "/calendar.ics");
    const agedOut = Date.parse("2026-01-20T18:00:00Z") + 30 * DAY; // ends 13:00 New York = 18:00 UTC
    t.clock.set(new Date(agedOut));
    const after = await get(t, "/calendar.ics", { "if-none-match": before.headers.get("etag")! });
    expect(after.status).toBe(200);
    expect(summaries(after.text)).toEqual(["Later"]);
    expect(after.headers.get("last-modified")).toBe(new Date(agedOut).toUTCString());
    const ims = { "if-modified-since": before.headers.get("last-modified")! };
    expect((await get(t, "/calendar.ics", ims)).status).toBe(200);
  });

  it("sends the same bytes gzip-compressed when the client accepts it", async () => {
    const { t, key } = await setup();
    await makeEvent(t, key, { title: "Compressed", description: "Lorem ipsum ".repeat(200) });
    const plain = await get(t, "/calendar.ics");
    const res = await t.app.request("/calendar.ics", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toBe("Accept-Encoding");
    const etag = res.headers.get("etag")!;
    expect(etag).toBe(plain.headers.get("etag")!.replace(/"$/, '-gzip"'));
    const zipped = new Uint8Array(await res.arrayBuffer());
    expect(zipped.byteLength).toBeLessThan(plain.text.length / 3);
    const unzipped = await new Response(
      new Blob([zipped]).stream().pipeThrough(new DecompressionStream("gzip")),
    ).text();
    expect(unzipped).toBe(plain.text);
    // Either coding's tag revalidates the version.
    for (const tag of [etag, plain.headers.get("etag")!]) {
      const again = await t.app.request("/calendar.ics", {
        headers: { "accept-encoding": "gzip", "if-none-match": tag },
      });
      expect(again.status).toBe(304);
    }
    const refused = await t.app.request("/calendar.ics", { headers: { "accept-encoding": "gzip;q=0" } });
    expect(refused.headers.get("content-encoding")).toBeNull();
  });
});

describe(`topic feeds and single events (${engine})`, () => {
  it("lists a topic's events only and follows edits to it and its events", async () => {
    const { t, key } = await setup();
    await t.request("POST", "/api/v1/topics", { key, body: { name: "NATO" } });
    const nato = await makeEvent(t, key, { title: "NATO at 77", topics: ["nato"] });
    const other = await makeEvent(t, key, { title: "Something else" });
    expect((await get(t, "/topics/no-such-topic/calendar.ics")).status).toBe(404);
    const v1 = await get(t, "/topics/nato/calendar.ics");
    expect(v1.status).toBe(200);
    expect(summaries(v1.text)).toEqual(["NATO at 77"]);
    expect(v1.text).toContain("X-WR-CALNAME:Defense Priorities: NATO\r\n");
    expect(v1.text).toContain("CATEGORIES:NATO\r\n");

    t.clock.set("2026-01-15T13:00:00Z");
    await t.request("PATCH", `/api/v1/events/${other.slug}`, { key, body: { summary: "Elsewhere" } });
    const etag = { "if-none-match": v1.headers.get("etag")! };
    expect((await get(t, "/topics/nato/calendar.ics", etag)).status).toBe(304);

    await t.request("PATCH", "/api/v1/topics/nato", { key, body: { name: "NATO & allies" } });
    const renamed = await get(t, "/topics/nato/calendar.ics", etag);
    expect(renamed.status).toBe(200);
    expect(renamed.text).toContain("X-WR-CALNAME:Defense Priorities: NATO & allies\r\n");

    await t.request("PATCH", `/api/v1/events/${nato.slug}`, { key, body: { topics: [] } });
    const emptied = await get(t, "/topics/nato/calendar.ics", {
      "if-none-match": renamed.headers.get("etag")!,
    });
    expect(emptied.status).toBe(200);
    expect(summaries(emptied.text)).toEqual([]);
  });

  it("serves /events/{slug}.ics beside the event page, for published and cancelled events only", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, { title: "Ukraine's critical choice: Pursue peace or fight on" });
    const draft = await makeEvent(t, key, { title: "Not yet" }, { publish: false });
    const res = await get(t, `/events/${e.slug}.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe(`inline; filename="${e.slug}.ics"`);
    const [event] = vevents(res.text);
    expect(prop(event!, "UID")).toBe(`${e.id}@events.example.org`);
    expect(prop(event!, "SEQUENCE")).toBe("0");
    expect(prop(event!, "STATUS")).toBe("CONFIRMED");
    expect(event).toContain("DTSTART;TZID=America/New_York:20260416T120000\r\n");
    expect(prop(event!, "URL")).toBe(`https://events.example.org/events/${e.slug}`);
    expect(prop(event!, "LOCATION")).toBe(`https://events.example.org/events/${e.slug}`);
    expect(res.text).toContain("METHOD:PUBLISH\r\n");
    expect(res.text).not.toContain(JOIN_URL);
    expect(res.text).not.toContain("REFRESH-INTERVAL");
    expect((await get(t, `/events/${e.id}.ics`)).text).toBe(res.text);
    expect((await get(t, `/events/${draft.slug}.ics`)).status).toBe(404);
    expect((await get(t, "/events/nothing-here.ics")).status).toBe(404);
    expect((await get(t, `/events/${e.slug}`)).headers.get("content-type") ?? "").not.toContain("calendar");

    const revalidated = await get(t, `/events/${e.slug}.ics`, { "if-none-match": res.headers.get("etag")! });
    expect(revalidated.status).toBe(304);
    t.clock.set("2026-01-16T12:00:00Z");
    await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-04-17T12:00" },
    });
    const moved = await get(t, `/events/${e.slug}.ics`, { "if-none-match": res.headers.get("etag")! });
    expect(moved.status).toBe(200);
    expect(prop(vevents(moved.text)[0]!, "SEQUENCE")).toBe("1");
    expect(prop(vevents(moved.text)[0]!, "DTSTAMP")).toBe("20260116T120000Z");
  });

  it("serves an event whose slug is not ASCII", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, { title: "Україна: вибір" });
    const res = await get(t, `/events/${encodeURIComponent(e.slug)}.ics`);
    expect(res.status).toBe(200);
    expect(prop(vevents(res.text)[0]!, "SUMMARY")).toBe("Україна: вибір");
    expect(res.headers.get("content-disposition")).toContain("filename*=UTF-8''");
  });
});
