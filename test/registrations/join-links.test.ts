import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { accessTokens, attendees, registrations } from "../../src/db/schema.js";
import { cryptoTokens, mintToken } from "../../src/lib/tokens.js";
import { createTestApp, engine, type TestApp, type TestResponse } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken } from "../support/mailbox.js";
import { registerAndOpenEmail, registerFor, statusOf } from "../support/registrations.js";

const JOIN_URL = "https://zoom.example.com/j/123";
// makeEvent: Thursday 16 April 2026, 12:00-13:00 in New York = 16:00-17:00 UTC.
const START = "2026-04-16T16:00:00Z";

/**
 * Registers and returns a personal join path: the /j/ link of the confirmation email, or the
 * join button of the manage page (which goes through the manage token and mints nothing).
 */
async function joinPathFor(t: TestApp, slug: string, email: string, via: "email" | "manage page" = "email") {
  const { token: manageToken } = await registerAndOpenEmail(t, slug, email);
  if (via === "manage page") {
    const manage = await t.request("GET", `/r/${manageToken}`);
    const path = manage.text.match(/href="(\/r\/[0-9a-z]+\/join)"/)?.[1];
    if (!path) throw new Error(`no join link on the manage page of ${email}`);
    return { path, manageToken };
  }
  const message = t.inbox.messages.findLast((m) => m.to.includes(email) && linkToken(m.text, "j"));
  if (!message) throw new Error(`no join link in the email to ${email}`);
  return { path: `/j/${linkToken(message.text, "j")}`, manageToken };
}

const attendedAt = async (t: TestApp, email: string) => {
  const [row] = await t.db
    .select({ at: registrations.attendedAt })
    .from(registrations)
    .innerJoin(attendees, eq(attendees.id, registrations.attendeeId))
    .where(eq(attendees.email, email));
  return row?.at ?? null;
};

describe(`personal join links (${engine})`, () => {
  it.each(["email", "manage page"] as const)(
    "from the %s: waits before the window, redirects inside it recording the first join, and points to the page after",
    async (via) => {
      const t = await createTestApp();
      const key = await t.key();
      const e = await makeEvent(t, key);
      const { path } = await joinPathFor(t, e.slug, "joiner@example.org", via);
      const seen: TestResponse[] = [];
      const get = async () => {
        const res = await t.request("GET", path);
        seen.push(res);
        return res;
      };

      t.clock.set("2026-04-16T15:00:00Z");
      const early = await get();
      expect(early.status).toBe(200);
      expect(early.headers.get("location")).toBeNull();
      expect(early.headers.get("cache-control")).toBe("no-store");
      expect(early.text).toContain("The event starts in 60 minutes.");
      expect(early.text).toContain("This link opens at Thursday 16 April 2026, 11:30 EDT (UTC\u221204:00)");
      t.clock.set("2026-04-13T15:00:00Z");
      expect((await get()).text).toContain("starts in 3 days");
      t.clock.set("2026-04-16T15:29:59Z");
      expect((await get()).status).toBe(200);
      expect(await attendedAt(t, "joiner@example.org")).toBeNull();

      t.clock.set("2026-04-16T15:30:00Z");
      // A link checker's HEAD sees the redirect but is no attendance.
      const head = await t.request("HEAD", path);
      expect(head.status).toBe(302);
      expect(await attendedAt(t, "joiner@example.org")).toBeNull();
      const inside = await get();
      expect(inside.status).toBe(302);
      expect(inside.headers.get("location")).toBe(JOIN_URL);
      expect(inside.headers.get("cache-control")).toBe("no-store");
      expect(inside.headers.get("referrer-policy")).toBe("no-referrer");
      expect(inside.text).toBe("");
      expect(await attendedAt(t, "joiner@example.org")).toEqual(new Date("2026-04-16T15:30:00Z"));

      t.clock.set("2026-04-16T16:10:00Z");
      const again = await get();
      expect(again.status).toBe(302);
      expect(await attendedAt(t, "joiner@example.org")).toEqual(new Date("2026-04-16T15:30:00Z"));

      t.clock.set("2026-04-16T17:00:00Z");
      const after = await get();
      expect(after.status).toBe(200);
      expect(after.headers.get("location")).toBeNull();
      expect(after.text).toContain("This event has ended");
      expect(after.text).toContain(`href="/events/${e.slug}"`);

      for (const res of seen) expect(res.text).not.toContain("zoom.example.com");
    },
  );

  it("does not redirect a waitlisted or cancelled registration", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1 });
    const seated = await joinPathFor(t, e.slug, "seated@example.org");
    await registerFor(t, e.slug, { email: "queued@example.org" });
    expect(await statusOf(t, e.slug, "queued@example.org")).toBe("waitlisted");
    // A join token for the waitlisted registration, as a future mail template might mint one.
    const [reg] = await t.db
      .select({ id: registrations.id })
      .from(registrations)
      .where(eq(registrations.status, "waitlisted"));
    const join = await mintToken({ tokens: cryptoTokens });
    await t.db
      .insert(accessTokens)
      .values({ hash: join.hash, kind: "join", registrationId: reg!.id, createdAt: t.clock.now() });

    t.clock.set(START);
    const waiting = await t.request("GET", `/j/${join.token}`);
    expect(waiting.status).toBe(403);
    expect(waiting.headers.get("location")).toBeNull();
    expect(waiting.text).toContain("Your registration is on the waitlist");
    expect(waiting.text).not.toContain("zoom.example.com");
    expect(await attendedAt(t, "queued@example.org")).toBeNull();

    t.clock.set("2026-04-10T12:00:00Z");
    await t.request("POST", `/api/v1/registrations/${seated.manageToken}/cancel`);
    t.clock.set(START);
    const cancelled = await t.request("GET", seated.path);
    expect(cancelled.status).toBe(403);
    expect(cancelled.text).toContain("Your registration was cancelled");
    expect(cancelled.text).not.toContain("zoom.example.com");
    // The cancellation promoted the waitlisted person: the same token now opens the meeting.
    expect((await t.request("GET", `/j/${join.token}`)).status).toBe(302);
  });

  it("says so when the event was cancelled, and 404s an unknown or a manage token", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const { path, manageToken } = await joinPathFor(t, e.slug, "x@example.org");
    await t.request("POST", `/api/v1/events/${e.slug}/cancel`, { key });
    t.clock.set(START);
    const res = await t.request("GET", path);
    expect(res.status).toBe(200);
    expect(res.text).toContain("This event was cancelled");
    expect(res.text).not.toContain("zoom.example.com");
    expect((await t.request("GET", `/j/${manageToken}`)).status).toBe(404);
    expect((await t.request("GET", "/j/abcdefghijklmnopqrstuvwxyz0123456789abc")).status).toBe(404);
  });
});
