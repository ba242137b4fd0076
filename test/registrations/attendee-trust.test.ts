import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attendees, registrations } from "../../src/db/schema.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken } from "../support/mailbox.js";
import {
  manageTokenFromEmail,
  outboxRows,
  registerAndOpenEmail,
  registerFor,
  standingOf,
  statusOf,
} from "../support/registrations.js";

// Issue 13: knowing someone's address must give a stranger nothing. Every test here failed on
// the main of 2026-12-05 (201 with a manage link for a new address, 200 for a known one, the
// attendee created by a refused request, a cancelled registration revived by anyone).

const ORIGIN = "https://events.example.org";
const form = { "content-type": "application/x-www-form-urlencoded", origin: ORIGIN };

const personOf = async (t: TestApp, email: string) => {
  const [row] = await t.db.select().from(attendees).where(eq(attendees.email, email));
  return row;
};

const registrationOf = async (t: TestApp, email: string) =>
  t.db
    .select({
      status: registrations.status,
      answers: registrations.answers,
      consentAt: registrations.consentAt,
    })
    .from(registrations)
    .innerJoin(attendees, eq(attendees.id, registrations.attendeeId))
    .where(eq(attendees.email, email));

/**
 * An answer with what differs between any two requests taken out: the address typed, and a
 * problem's request id.
 */
const shape = (res: { status: number; text: string }, email: string) =>
  `${res.status} ${res.text.replaceAll(email, "<address>").replace(/"requestId":"req_\w+"/, "")}`;

describe(`a stranger who knows an attendee's address (${engine})`, () => {
  it("gets no access to the attendee's registration, name, feed or erasure by registering them elsewhere", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const first = await makeEvent(t, key, { title: "First", capacity: 10 });
    const second = await makeEvent(t, key, { title: "Second", capacity: 10 });
    const victim = await registerAndOpenEmail(t, first.slug, "victim@example.org", { name: "Victoria Real" });

    const res = await registerFor(t, second.slug, { email: "victim@example.org", name: "Mallory" });
    expect(res.status).toBe(202);
    // No link, no token, no name, no status of anything but what a new registration gets.
    expect(Object.keys(res.body).sort()).toEqual(["detail", "newRegistration", "status"]);
    expect(res.text).not.toMatch(/\/r\/|\/j\/|feed|[0-9a-z]{32}/);
    expect(res.text).not.toContain("Victoria");
    // The attacker's name did not replace the victim's, and the first registration is as it was.
    expect((await personOf(t, "victim@example.org"))?.name).toBe("Victoria Real");
    expect(await statusOf(t, first.slug, "victim@example.org")).toBe("confirmed");
    // The victim's own emailed link still does everything.
    const page = await t.request("GET", `/r/${victim.token}`);
    expect(page.text).toContain("Victoria Real");
    expect(page.text).toContain(`action="/r/${victim.token}/erase"`);
  });

  it("cannot tell a new address from a registered, waitlisted or cancelled one, by API or by form", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1, waitlist: true });
    await registerFor(t, e.slug, { email: "seated@example.org" });
    await registerFor(t, e.slug, { email: "waiting@example.org" });
    const gone = await registerAndOpenEmail(t, e.slug, "gone@example.org");
    await t.request("POST", `/api/v1/registrations/${gone.token}/cancel`);

    const api = async (email: string) => shape(await registerFor(t, e.slug, { email, name: "Probe" }), email);
    const known = [
      await api("seated@example.org"),
      await api("waiting@example.org"),
      await api("gone@example.org"),
    ];
    const fresh = await api("never-seen@example.org");
    for (const answer of known) expect(answer).toBe(fresh);
    expect(fresh).toMatch(/^202 /);

    const page = async (email: string) => {
      const body = new URLSearchParams({ name: "Probe", email, consent: "yes" }).toString();
      return shape(await t.request("POST", `/events/${e.slug}/register`, { body, headers: form }), email);
    };
    const knownPage = await page("seated@example.org");
    const freshPage = await page("also-new@example.org");
    expect(knownPage).toBe(freshPage);
    expect(freshPage).toMatch(/^200 /);
  });

  it("answers a full event without waitlist with the same 409 for a registered address and a new one", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1, waitlist: false });
    await registerFor(t, e.slug, { email: "seated@example.org" });
    const known = await registerFor(t, e.slug, { email: "seated@example.org" });
    const fresh = await registerFor(t, e.slug, { email: "late@example.org" });
    expect(shape(known, "seated@example.org")).toBe(shape(fresh, "late@example.org"));
    expect(known.status).toBe(409);
    // The registered person keeps the seat, and gets their links by email.
    expect(await statusOf(t, e.slug, "seated@example.org")).toBe("confirmed");
    expect((await outboxRows(t)).map((r) => r.template)).toContain("registration.resend");
  });

  it("changes nothing about an existing person: not the name, the answers, the status or the consent", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const questions = [{ id: "org", label: "Organisation", type: "short_text" }];
    const e = await makeEvent(t, key, { capacity: 1, waitlist: true, questions });
    await registerFor(t, e.slug, { email: "ada@example.org", name: "Ada", answers: { org: "Engines" } });
    const before = {
      person: await personOf(t, "ada@example.org"),
      regs: await registrationOf(t, "ada@example.org"),
    };
    t.clock.advance(60_000);
    await registerFor(t, e.slug, { email: "ADA@example.org", name: "Impostor", answers: { org: "Fake" } });
    const gone = await registerAndOpenEmail(t, e.slug, "gone@example.org", { name: "Gone" });
    await t.request("POST", `/api/v1/registrations/${gone.token}/cancel`);
    await registerFor(t, e.slug, { email: "gone@example.org", name: "Someone Else" });

    expect(await personOf(t, "ada@example.org")).toEqual(before.person);
    expect(await registrationOf(t, "ada@example.org")).toEqual(before.regs);
    // A cancelled registration stays cancelled: only its owner's emailed link brings it back.
    expect(await statusOf(t, e.slug, "gone@example.org")).toBe("cancelled");
    expect((await personOf(t, "gone@example.org"))?.name).toBe("Gone");
  });

  it("leaves nothing behind when a registration is refused, so the real person is greeted by their own name", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const full = await makeEvent(t, key, { title: "Full", capacity: 1, waitlist: false });
    const open = await makeEvent(t, key, { title: "Open", capacity: 10 });
    await registerFor(t, full.slug, { email: "first@example.org" });
    const refused = await registerFor(t, full.slug, { email: "jo@example.org", name: "A Stranger's Text" });
    expect(refused.status).toBe(409);
    expect(await personOf(t, "jo@example.org")).toBeUndefined();

    await registerFor(t, open.slug, { email: "jo@example.org", name: "Jo Real" });
    await manageTokenFromEmail(t, "jo@example.org");
    const mail = t.inbox.messages.find((m) => m.to.includes("jo@example.org"));
    expect(mail?.text).toContain("Jo Real");
    expect(mail?.text).not.toContain("Stranger");
  });
});

describe(`what the emailed link may do (${engine})`, () => {
  it("lets the mailbox's owner correct the name their emails greet them with", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const { token } = await registerAndOpenEmail(t, e.slug, "kim@example.org", { name: "Typo Kimm" });
    const renamed = await t.request("POST", `/r/${token}/name`, { body: "name=Kim+Lee", headers: form });
    expect(renamed.status).toBe(303);
    expect((await personOf(t, "kim@example.org"))?.name).toBe("Kim Lee");
    const empty = await t.request("POST", `/r/${token}/name`, { body: "name=+", headers: form });
    expect(empty.status).toBe(422);
    const foreign = await t.request("POST", `/r/${token}/name`, {
      body: "name=Evil",
      headers: { ...form, origin: "https://evil.example" },
    });
    expect(foreign.status).toBe(403);
    expect((await personOf(t, "kim@example.org"))?.name).toBe("Kim Lee");
  });

  it("expires a while after the event: no details, no changes, but erasure still works", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key); // ends 2026-04-16T17:00Z
    const { token } = await registerAndOpenEmail(t, e.slug, "old@example.org", { name: "Old Timer" });
    t.clock.set("2026-05-16T16:59:00Z"); // 30 days after the end, less a minute
    expect((await t.request("GET", `/r/${token}`)).text).toContain("Old Timer");

    t.clock.set("2026-05-16T17:01:00Z");
    const expired = await t.request("GET", `/r/${token}`);
    expect(expired.status).toBe(410);
    expect(expired.text).toContain("This link has expired");
    expect(expired.text).not.toContain("Old Timer");
    expect(expired.text).not.toContain("old@example.org");
    const feed = await t.request("POST", `/r/${token}/feed`, { headers: form });
    expect(feed.status).toBe(404);
    const renamed = await t.request("POST", `/r/${token}/name`, { body: "name=X", headers: form });
    expect(renamed.status).toBe(404);
    // The event page (and its recording) stays public.
    expect((await t.request("GET", `/events/${e.slug}`)).status).toBe(200);

    const erased = await t.request("POST", `/r/${token}/erase`, { headers: form });
    expect(erased.status).toBe(200);
    expect(await personOf(t, "old@example.org")).toBeUndefined();
  });

  it("brings a cancelled registration back to the end of the waitlist when the event is full", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1, waitlist: true });
    const ada = await registerAndOpenEmail(t, e.slug, "ada@example.org");
    await t.request("POST", `/api/v1/registrations/${ada.token}/cancel`);
    await registerFor(t, e.slug, { email: "bo@example.org" });
    await registerFor(t, e.slug, { email: "cy@example.org" });
    const back = await t.request("POST", `/r/${ada.token}/rejoin`, { headers: form });
    expect(back.status).toBe(303);
    expect(await standingOf(t, e.slug, "ada@example.org")).toEqual({ status: "waitlisted", position: 2 });
    // Again changes nothing: she is not cancelled.
    await t.request("POST", `/r/${ada.token}/rejoin`, { headers: form });
    expect(await standingOf(t, e.slug, "ada@example.org")).toEqual({ status: "waitlisted", position: 2 });
  });

  it("has one join link per registration, the same in every email, which stops working with erasure", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 5 });
    const { token } = await registerAndOpenEmail(t, e.slug, "joiner@example.org");
    const joins = () => t.inbox.messages.map((m) => linkToken(m.text, "j")).filter(Boolean);
    await t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { title: "New title" } });
    await manageTokenFromEmail(t, "joiner@example.org");
    expect(joins()).toHaveLength(2);
    expect(new Set(joins()).size).toBe(1);
    t.clock.set("2026-04-16T15:45:00Z"); // inside the join window
    expect((await t.request("GET", `/j/${joins()[0]}`)).status).toBe(302);
    await t.request("POST", `/r/${token}/erase`, { headers: form });
    expect((await t.request("GET", `/j/${joins()[0]}`)).status).toBe(404);
  });
});
