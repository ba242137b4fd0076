import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attendees } from "../../src/db/schema.js";
import { feedUrl } from "../../src/features/calendar/feed-tokens.js";
import { createFeedToken, rotateFeedToken } from "../../src/features/registrations/tokens.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor, statusOf } from "../support/registrations.js";

/** An attendee's own feed (/feeds/{token}/calendar.ics) and the join links in it. */

const JOIN_URL = "https://zoom.example.com/j/123";
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
const vevents = (ics: string) => unfold(ics).split("BEGIN:VEVENT\r\n").slice(1);
const prop = (block: string, name: string) =>
  block
    .split("\r\n")
    .find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`))
    ?.replace(/^[^:]*:/, "");

async function attendeeId(t: TestApp, email: string) {
  const [row] = await t.db.select().from(attendees).where(eq(attendees.email, email));
  return row!.id;
}

const path = (token: string) =>
  new URL(feedUrl({ PUBLIC_URL: "https://events.example.org" }, token)).pathname;

async function setup() {
  const t = await createTestApp({ now: "2026-01-15T12:00:00Z" });
  const key = await t.key(["admin"]);
  const full = await makeEvent(t, key, { title: "One seat", capacity: 1, startsAt: "2026-02-01T12:00" });
  const open = await makeEvent(t, key, { title: "Open webinar", startsAt: "2026-02-10T12:00" });
  const inPerson = await makeEvent(t, key, {
    title: "Breakfast",
    format: "in_person",
    venue: "1 Main St, Washington",
    startsAt: "2026-02-12T08:00",
  });
  await makeEvent(t, key, { title: "Not mine", startsAt: "2026-02-11T12:00" });
  await registerFor(t, full.slug, { email: "first@example.org" });
  await registerFor(t, full.slug, { email: "ada@example.org" });
  expect(await statusOf(t, full.slug, "ada@example.org")).toBe("waitlisted");
  await registerFor(t, open.slug, { email: "ada@example.org" });
  expect(await statusOf(t, open.slug, "ada@example.org")).toBe("confirmed");
  await registerFor(t, inPerson.slug, { email: "ada@example.org" });
  const ada = await attendeeId(t, "ada@example.org");
  const token = await createFeedToken(t.deps, ada);
  return { t, key, full, open, inPerson, ada, token };
}

describe(`an attendee's own calendar feed (${engine})`, () => {
  it("lists their registrations with personal join links, privately, and never the event's join URL", async () => {
    const { t, token } = await setup();
    const res = await t.request("GET", path(token));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(res.text).not.toContain(JOIN_URL);
    expect(res.text).toContain("X-WR-CALNAME:Defense Priorities: my events\r\n");
    const [waitlisted, confirmed, inPerson] = vevents(res.text);
    expect(prop(waitlisted!, "SUMMARY")).toBe("Waitlist: One seat");
    expect(prop(waitlisted!, "STATUS")).toBe("TENTATIVE");
    expect(waitlisted).not.toContain("/j/f/");
    expect(prop(confirmed!, "SUMMARY")).toBe("Open webinar");
    expect(prop(confirmed!, "STATUS")).toBe("CONFIRMED");
    expect(prop(confirmed!, "LOCATION")).toMatch(
      /^https:\/\/events\.example\.org\/j\/f\/reg_\w+\/[0-9a-z]{26}$/,
    );
    expect(confirmed).toContain(`Join online (your personal link): ${prop(confirmed!, "LOCATION")}`);
    expect(prop(inPerson!, "LOCATION")).toBe("1 Main St\\, Washington");
    expect(inPerson).not.toContain("/j/f/");
    // Same data, same bytes: the join links are derived, not minted per render.
    expect((await t.request("GET", path(token))).text).toBe(res.text);
  });

  it("answers 404 for an unknown or rotated token, and the new token works", async () => {
    const { t, ada, token } = await setup();
    expect((await t.request("GET", path("notatokenatall1234"))).status).toBe(404);
    expect((await t.request("GET", "/feeds/BAD!/calendar.ics")).status).toBe(404);
    const second = await createFeedToken(t.deps, ada);
    expect((await t.request("GET", path(second))).status).toBe(200);
    const rotated = await rotateFeedToken(t.deps, ada);
    expect((await t.request("GET", path(token))).status).toBe(404);
    expect((await t.request("GET", path(second))).status).toBe(404);
    expect((await t.request("GET", path(rotated))).status).toBe(200);
    await expect(rotateFeedToken(t.deps, "att_nobody")).rejects.toMatchObject({ status: 404 });
  });

  it("changes its validators when a registration or an event in it changes, and only then", async () => {
    const { t, key, full, open, token } = await setup();
    const v1 = await t.request("GET", path(token));
    const etag = { "if-none-match": v1.headers.get("etag")! };

    t.clock.set("2026-01-15T13:00:00Z");
    await t.request("PATCH", "/api/v1/events/not-mine", { key, body: { summary: "Someone else's" } });
    await registerFor(t, open.slug, { email: "other@example.org" });
    expect((await t.request("GET", path(token), { headers: etag })).status).toBe(304);

    // The first person cancels: the waitlisted seat is promoted and the join link appears.
    const first = await t.request("GET", `/api/v1/events/${full.slug}/registrations`, { key });
    const seat = first.body.data.find((r: { email: string }) => r.email === "first@example.org");
    await t.request("DELETE", `/api/v1/registrations/${seat.id}`, { key });
    const v2 = await t.request("GET", path(token), { headers: etag });
    expect(v2.status).toBe(200);
    const promoted = vevents(v2.text)[0]!;
    expect(prop(promoted, "STATUS")).toBe("CONFIRMED");
    expect(prop(promoted, "LOCATION")).toContain("/j/f/");
    expect(prop(promoted, "DTSTAMP")).toBe("20260115T130000Z");
    expect(v2.headers.get("last-modified")).toBe("Thu, 15 Jan 2026 13:00:00 GMT");
  });

  it("drops an event the attendee cancelled", async () => {
    const { t, key, open, token } = await setup();
    const v1 = await t.request("GET", path(token));
    t.clock.set("2026-01-15T14:00:00Z");
    const regs = await t.request("GET", `/api/v1/events/${open.slug}/registrations`, { key });
    const mine = regs.body.data.find((r: { email: string }) => r.email === "ada@example.org");
    await t.request("DELETE", `/api/v1/registrations/${mine.id}`, { key });
    const v2 = await t.request("GET", path(token), {
      headers: { "if-modified-since": v1.headers.get("last-modified")! },
    });
    expect(v2.status).toBe(200);
    expect(vevents(v2.text).map((v) => prop(v, "SUMMARY"))).toEqual(["Waitlist: One seat", "Breakfast"]);
    expect(v2.headers.get("last-modified")).toBe("Thu, 15 Jan 2026 14:00:00 GMT");
  });
});

describe(`join links from the feed (${engine})`, () => {
  it("redirect to the meeting around the event's time, and stop with the token", async () => {
    const { t, ada, token } = await setup();
    const feed = await t.request("GET", path(token));
    const link = new URL(prop(vevents(feed.text)[1]!, "LOCATION")!);

    const early = await t.request("GET", link.pathname);
    expect(early.status).toBe(200);
    expect(early.text).toContain("30 minutes before the start");
    expect(early.text).not.toContain(JOIN_URL);

    // 11:35 in New York: the same 30-minute window as emailed join links.
    t.clock.set("2026-02-10T16:35:00Z");
    const open = await t.app.request(link.pathname);
    expect(open.status).toBe(302);
    expect(open.headers.get("location")).toBe(JOIN_URL);
    expect(open.headers.get("cache-control")).toBe("no-store");

    const forged = link.pathname.replace(/[0-9a-z]$/, (ch) => (ch === "a" ? "b" : "a"));
    expect((await t.app.request(forged)).status).toBe(404);
    const otherReg = link.pathname.replace(/reg_\w+/, "reg_someoneelse");
    expect((await t.app.request(otherReg)).status).toBe(404);

    await rotateFeedToken(t.deps, ada);
    expect((await t.app.request(link.pathname)).status).toBe(404);

    t.clock.set("2026-02-10T18:00:00Z");
    const fresh = await t.request("GET", path(await createFeedToken(t.deps, ada)));
    const after = new URL(prop(vevents(fresh.text)[1]!, "LOCATION")!);
    const over = await t.request("GET", after.pathname);
    expect(over.status).toBe(200);
    expect(over.text).not.toContain(JOIN_URL);
    expect(over.headers.get("location")).toBeNull();
  });
});
