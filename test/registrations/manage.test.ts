import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accessTokens, attendees, registrations } from "../../src/db/schema.js";
import { sha256Hex } from "../../src/lib/tokens.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { outboxRows, registerAndOpenEmail } from "../support/registrations.js";

const ORIGIN = "https://events.example.org";
const JOIN = "zoom.example.com";

function post(t: TestApp, path: string, origin: string | null = ORIGIN, body = "") {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (origin) headers.origin = origin;
  return t.request("POST", path, { body, headers });
}

// Each attendee's manage link comes the only way it travels: in their email.
const registered = registerAndOpenEmail;

const statusOf = async (t: TestApp, email: string) => {
  const [row] = await t.db
    .select({ status: registrations.status })
    .from(registrations)
    .innerJoin(attendees, eq(attendees.id, registrations.attendeeId))
    .where(eq(attendees.email, email));
  return row?.status;
};

describe(`the manage page (${engine})`, () => {
  it("shows the owner's registration and a personal join link for a confirmed online seat", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1, format: "hybrid", venue: "1 Main St" });
    const a = await registered(t, e.slug, "owner@example.org", { name: "Owner" });
    await registered(t, e.slug, "other@example.org");
    const res = await t.request("GET", `/r/${a.token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.text).toContain("Confirmed: you have a seat.");
    expect(res.text).toContain("owner@example.org");
    expect(res.text).toContain(`href="/r/${a.token}/join"`);
    expect(res.text).toContain(`action="/r/${a.token}/cancel"`);
    expect(res.text).toContain(`action="/r/${a.token}/erase"`);
    // Invariant 7: no one else's address, and never the meeting link itself.
    expect(res.text).not.toContain("other@example.org");
    expect(res.text).not.toContain(JOIN);
  });

  it("gives no join link to the waitlisted, to in-person events or after a cancellation", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const online = await makeEvent(t, key, { title: "Online", capacity: 1 });
    const inPerson = await makeEvent(t, key, { title: "Room", format: "in_person", venue: "Hall" });
    await registered(t, online.slug, "seat@example.org");
    const queued = await registered(t, online.slug, "queue@example.org");
    const room = await registered(t, inPerson.slug, "room@example.org");
    const joinTokens = () => t.db.select().from(accessTokens).where(eq(accessTokens.kind, "join"));
    const minted = (await joinTokens()).length;

    const waiting = await t.request("GET", `/r/${queued.token}`);
    expect(waiting.text).toContain("On the waitlist. You are number 1 in the queue.");
    expect(waiting.text).not.toContain("/join");
    const hall = await t.request("GET", `/r/${room.token}`);
    expect(hall.text).toContain("Confirmed");
    expect(hall.text).toContain("Hall");
    expect(hall.text).not.toContain("/join");
    // Page views mint no join token (the emails minted theirs when they were sent).
    expect(await joinTokens()).toHaveLength(minted);
  });

  it("still opens a link minted before tokens began with their time (39 characters, stored under its bare hash)", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 5 });
    await registered(t, e.slug, "early@example.org", { name: "Early Bird" });
    const [reg] = await t.db.select({ id: registrations.id }).from(registrations);
    const legacy = "0123456789abcdefghjkmnpqrstvwxyz0123456";
    expect(legacy).toHaveLength(39);
    await t.db.insert(accessTokens).values({
      hash: await sha256Hex(legacy),
      kind: "manage",
      registrationId: reg!.id,
      createdAt: new Date("2026-01-01T00:00:00Z"),
    });
    const res = await t.request("GET", `/r/${legacy}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("Early Bird");
    // The same characters under the new key scheme are no token at all.
    expect((await t.request("GET", `/r/${legacy.slice(1)}x`)).status).toBe(404);
  });

  it("answers an unknown or malformed token with an HTML 404", async () => {
    const t = await createTestApp();
    for (const path of ["/r/abcdefghijklmnopqrstuvwxyz0123456789abc", "/r/x", "/r/<script>"]) {
      const res = await t.request("GET", path);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    expect((await post(t, "/r/abcdefghijklmnopqrstuvwxyz0123456789abc/cancel")).status).toBe(404);
  });

  it("cancels with one click, freeing the seat for the first waitlisted person", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1 });
    const first = await registered(t, e.slug, "first@example.org");
    await registered(t, e.slug, "second@example.org");
    await registered(t, e.slug, "third@example.org");

    const res = await post(t, `/r/${first.token}/cancel`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/r/${first.token}`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await statusOf(t, "first@example.org")).toBe("cancelled");
    expect(await statusOf(t, "second@example.org")).toBe("confirmed");
    expect(await statusOf(t, "third@example.org")).toBe("waitlisted");
    const templates = (await outboxRows(t)).map((r) => r.template);
    expect(templates.filter((x) => x === "registration.promoted")).toHaveLength(1);

    const page = await t.request("GET", `/r/${first.token}`);
    expect(page.text).toContain("Cancelled.");
    expect(page.text).not.toContain(`/r/${first.token}/cancel`);
    expect(page.text).toContain(`action="/r/${first.token}/rejoin"`);
  });

  it("refuses a cancel or erase posted from another site, and changes nothing", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const a = await registered(t, e.slug, "victim@example.org");
    expect((await post(t, `/r/${a.token}/cancel`, "https://evil.example")).status).toBe(403);
    expect((await post(t, `/r/${a.token}/erase`, "https://evil.example")).status).toBe(403);
    expect(await statusOf(t, "victim@example.org")).toBe("confirmed");
  });
});

describe(`nothing private leaks (${engine}, invariant 7)`, () => {
  it("no page shows the meeting link, or another attendee's email or answers", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const questions = [{ id: "note", label: "Note", type: "short_text" }];
    const e = await makeEvent(t, key, { capacity: 1, questions });
    const alice = await registered(t, e.slug, "alice@example.org", { answers: { note: "alice-note" } });
    const bob = await registered(t, e.slug, "bob@example.org", { answers: { note: "bob-secret" } });
    const form = new URLSearchParams({ name: "Bob", email: "bob@example.org", consent: "yes" }).toString();
    const bodies: string[] = [];
    const visit = async (method: string, path: string, body?: string) => {
      const res = method === "GET" ? await t.request("GET", path) : await post(t, path, ORIGIN, body);
      bodies.push(res.text);
      return res;
    };
    await visit("GET", "/");
    await visit("GET", `/events/${e.slug}`);
    // Bob again: the page says "check your email" (with the address Bob typed), never Bob's status.
    const again = await post(t, `/events/${e.slug}/register`, ORIGIN, form);
    expect(again.text).toContain("Check your email");
    expect(again.text).not.toMatch(/number \d|queue|\/r\/|bob-secret/);
    const manage = await visit("GET", `/r/${alice.token}`);
    expect(manage.text).toContain("alice@example.org");
    expect(manage.text).toContain("Confirmed");
    await visit("GET", `/r/${alice.token}/unsubscribe`);
    const join = manage.text.match(/href="(\/r\/[0-9a-z]+\/join)"/)![1]!;
    await visit("GET", join);
    t.clock.set("2026-04-16T18:00:00Z");
    await visit("GET", join);
    await visit("GET", `/r/${bob.token}`);
    for (const body of bodies) expect(body).not.toContain("zoom.example.com");
    // Bob's address and answer appear only on Bob's own manage page (the last one).
    for (const body of bodies.slice(0, -1)) {
      expect(body).not.toContain("bob@example.org");
      expect(body).not.toContain("bob-secret");
    }
    expect(bodies.at(-1)).toContain("bob@example.org");
  });
});

describe(`delete my data (${engine})`, () => {
  it("anonymises the attendee, clears answers, cancels with promotion and revokes tokens in one step", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const questions = [{ id: "org", label: "Organisation", type: "short_text" }];
    const e = await makeEvent(t, key, { capacity: 1, questions });
    const other = await makeEvent(t, key, { title: "Other", questions });
    const a = await registered(t, e.slug, "private@example.org", {
      name: "Private Person",
      answers: { org: "Secret Org" },
    });
    const a2 = await registered(t, other.slug, "private@example.org", { answers: { org: "Secret Org" } });
    await registered(t, e.slug, "next@example.org");
    const before = (await t.db.select().from(registrations)).length;

    const res = await post(t, `/r/${a.token}/erase`);
    expect(res.status).toBe(200);
    expect(res.text).toContain("Your data was deleted");
    expect(res.text).not.toContain("private@example.org");

    const all = await t.db.select().from(attendees);
    const att = all.find((x) => x.erasedAt !== null);
    expect(att).toMatchObject({ name: "Erased attendee", email: `erased+${att!.id}@invalid` });
    expect(all).toHaveLength(2);
    expect(JSON.stringify(all)).not.toContain("private@example.org");
    expect(JSON.stringify(all)).not.toContain("Private Person");

    const regs = await t.db.select().from(registrations);
    expect(regs.length).toBe(before);
    const mine = regs.filter((r) => r.attendeeId === att!.id);
    expect(mine.map((r) => r.status)).toEqual(["cancelled", "cancelled"]);
    expect(mine.every((r) => JSON.stringify(r.answers) === "{}")).toBe(true);
    expect(await statusOf(t, "next@example.org")).toBe("confirmed");

    for (const token of [a.token, a2.token]) expect((await t.request("GET", `/r/${token}`)).status).toBe(404);
    const live = (await t.db.select().from(accessTokens)).filter(
      (x) => mine.some((r) => r.id === x.registrationId) && x.revokedAt === null,
    );
    expect(live).toEqual([]);
  });
});

describe(`one-click unsubscribe (${engine})`, () => {
  it("shows a confirm button, and the RFC 8058 POST works without an Origin", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const a = await registered(t, e.slug, "quiet@example.org");
    const page = await t.request("GET", `/r/${a.token}/unsubscribe`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<form method="post" action="/r/${a.token}/unsubscribe">`);
    expect(page.headers.get("cache-control")).toBe("no-store");

    const res = await post(t, `/r/${a.token}/unsubscribe`, null, "List-Unsubscribe=One-Click");
    expect(res.status).toBe(200);
    const [reg] = await t.db.select().from(registrations);
    expect(reg!.remindersOptOut).toBe(true);
    expect(reg!.status).toBe("confirmed");
    expect((await post(t, `/r/${a.token}/unsubscribe`, null, "List-Unsubscribe=One-Click")).status).toBe(200);
    expect((await t.request("GET", `/r/${a.token}`)).text).toContain("You will not get reminder emails");
    expect((await post(t, "/r/abcdefghijklmnopqrstuvwxyz0123456789abc/unsubscribe", null)).status).toBe(404);
  });
});
