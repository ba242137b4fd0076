import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import {
  manageTokenFromEmail,
  outboxRows,
  registerAndOpenEmail,
  registerFor,
  registerWithLink,
  standingOf,
  statusOf,
} from "../support/registrations.js";

const ORIGIN = "https://events.example.org";

describe(`registering for an event (${engine})`, () => {
  it("confirms a registration, answers 'check your email' and emails the manage link", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 10 });
    const res = await registerFor(t, e.slug, { name: "Ada", email: "  Ada@Example.ORG " });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "check-email", newRegistration: "confirmed" });
    expect(res.text).not.toContain("/r/");
    expect(await statusOf(t, e.slug, "ada@example.org")).toBe("confirmed");
    const rows = await outboxRows(t);
    expect(rows.map((r) => r.template)).toEqual(["registration.confirmed"]);
    const token = await manageTokenFromEmail(t, "ada@example.org");
    expect(token).toMatch(/^[0-9a-z]{48}$/);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect((await t.request("GET", `/r/${token}`)).text).toContain("Confirmed: you have a seat.");
  });

  it("never seats more than the capacity, whatever arrives at once, and queues the rest in order", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 5, waitlist: true });
    const emails = Array.from({ length: 25 }, (_, i) => `p${i}@example.org`);
    const results = await Promise.all(emails.map((email) => registerFor(t, e.slug, { email })));
    expect(results.every((r) => r.status === 202)).toBe(true);
    const standings = await Promise.all(emails.map((email) => standingOf(t, e.slug, email)));
    expect(standings.filter((s) => s?.status === "confirmed")).toHaveLength(5);
    const places = standings.filter((s) => s?.status === "waitlisted").map((s) => s!.position);
    expect(places.sort((a, b) => a! - b!)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await outboxRows(t)).length).toBe(25);
    // Each answer says what a new registration got at its moment: 5 seats, then the waitlist.
    expect(results.filter((r) => r.body.newRegistration === "confirmed")).toHaveLength(5);
  });

  it("refuses with event-full once the seats are gone and the event has no waitlist", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 3, waitlist: false });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => registerFor(t, e.slug, { email: `q${i}@example.org` })),
    );
    expect(results.filter((r) => r.status === 202)).toHaveLength(3);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(7);
    expect(refused[0]!.body.type).toBe("/problems/event-full");
    expect((await outboxRows(t)).length).toBe(3);
  });

  it("treats the same email in any case and spacing as one registration, with at most one extra email a day", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 10 });
    const variants = ["same@example.org", "SAME@example.org", " same@Example.org ", "Same@EXAMPLE.ORG"];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => registerFor(t, e.slug, { email: variants[i % 4] })),
    );
    // Twenty identical answers: none tells which one registered.
    expect(new Set(results.map((r) => `${r.status} ${r.text}`)).size).toBe(1);
    expect(results[0]!.status).toBe(202);
    const templates = (await outboxRows(t)).map((r) => r.template).sort();
    expect(templates).toEqual(["registration.confirmed", "registration.resend"]);
    t.clock.advance(86_400_000);
    await registerFor(t, e.slug, { email: "same@example.org" });
    expect((await outboxRows(t)).filter((r) => r.template === "registration.resend")).toHaveLength(2);
  });

  it("frees the seat on cancellation and promotes the first waitlisted person in the same step", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 1, waitlist: true });
    const first = await registerWithLink(t, e.slug, "first@example.org");
    await registerFor(t, e.slug, { email: "second@example.org" });
    await registerFor(t, e.slug, { email: "third@example.org" });
    expect((await standingOf(t, e.slug, "second@example.org"))?.position).toBe(1);
    expect((await standingOf(t, e.slug, "third@example.org"))?.position).toBe(2);

    const cancelled = await t.request("POST", `/api/v1/registrations/${first.token}/cancel`);
    expect(cancelled.body).toEqual({ status: "cancelled", position: null });
    const again = await t.request("POST", `/api/v1/registrations/${first.token}/cancel`);
    expect(again.body.status).toBe("cancelled");

    const templates = (await outboxRows(t)).map((r) => `${r.template}`);
    expect(templates.filter((x) => x === "registration.promoted")).toHaveLength(1);
    expect(templates.filter((x) => x === "registration.cancelled")).toHaveLength(1);
    expect(await standingOf(t, e.slug, "third@example.org")).toEqual({ status: "waitlisted", position: 1 });
    expect((await standingOf(t, e.slug, "second@example.org"))?.status).toBe("confirmed");
  });

  it("lets a person who cancelled register again from their emailed link, not by the address alone", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 5 });
    const first = await registerAndOpenEmail(t, e.slug, "back@example.org");
    await t.request("POST", `/api/v1/registrations/${first.token}/cancel`);
    const again = await registerFor(t, e.slug, { email: "back@example.org" });
    expect(again.status).toBe(202);
    expect(await statusOf(t, e.slug, "back@example.org")).toBe("cancelled");
    // The links come again by email; the manage page offers "Register again".
    const token = await manageTokenFromEmail(t, "back@example.org");
    const page = await t.request("GET", `/r/${token}`);
    expect(page.text).toContain(`action="/r/${token}/rejoin"`);
    const back = await t.request("POST", `/r/${token}/rejoin`, { headers: { origin: ORIGIN } });
    expect(back.status).toBe(303);
    expect(await statusOf(t, e.slug, "back@example.org")).toBe("confirmed");
  });
});

describe(`when registration is not possible (${engine})`, () => {
  it("answers each closed state with its own problem type", async () => {
    const t = await createTestApp({ now: "2026-03-01T12:00:00Z" });
    const key = await t.key(["events:write"]);
    const draft = await makeEvent(t, key, { title: "Draft" }, { publish: false });
    const past = await makeEvent(t, key, { title: "Past", startsAt: "2026-02-01T12:00" });
    const notOpen = await makeEvent(t, key, { title: "Not open", registrationOpensAt: "2026-03-10T09:00" });
    const closed = await makeEvent(t, key, { title: "Closed", registrationClosesAt: "2026-02-28T09:00" });
    const cancelled = await makeEvent(t, key, { title: "Cancelled" });
    await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key });
    const typeOf = async (slug: string) => (await registerFor(t, slug)).body.type;
    expect(await typeOf(draft.slug)).toBe("/problems/not-found");
    expect(await typeOf(past.slug)).toBe("/problems/event-past");
    expect(await typeOf(notOpen.slug)).toBe("/problems/registration-not-open");
    expect((await registerFor(t, notOpen.slug)).body.detail).toBe(
      "Registration opens on Tuesday 10 March 2026, 09:00 EDT (UTC\u221204:00).",
    );
    expect(await typeOf(closed.slug)).toBe("/problems/registration-closed");
    expect(await typeOf(cancelled.slug)).toBe("/problems/event-cancelled");
    expect(await outboxRows(t)).toEqual([]);
  });

  it("checks answers to the event's questions by field and stores nothing on failure", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, {
      questions: [
        { id: "affiliation", label: "Affiliation", type: "short_text", required: true },
        { id: "role", label: "Role", type: "single_choice", options: ["Press", "Government", "Other"] },
        { id: "updates", label: "Send me updates", type: "checkbox" },
      ],
    });
    const bad = await registerFor(t, e.slug, { answers: { role: "Spy", extra: "x" }, consent: false });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((x: { field: string }) => x.field).sort()).toEqual(
      ["answers.affiliation", "answers.extra", "answers.role", "consent"].sort(),
    );
    expect(await outboxRows(t)).toEqual([]);
    const ok = await registerFor(t, e.slug, {
      answers: { affiliation: "Think tank", role: "Press", updates: true },
    });
    expect(ok.status).toBe(202);
  });

  it("rate-limits registrations per client address without trusting a forged X-Forwarded-For", async () => {
    const t = await createTestApp();
    t.deps.config.REGISTRATION_RATE_LIMIT = 3;
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 100 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.request("POST", `/api/v1/events/${e.slug}/registrations`, {
        body: { name: "X", email: `rl${i}@example.org`, consent: true },
        headers: { "x-forwarded-for": `203.0.113.${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
      }
    }
    expect(statuses).toEqual([202, 202, 202, 429, 429]);
    t.clock.advance(60_000);
    expect((await registerFor(t, e.slug)).status).toBe(202);
  });
});

describe(`capacity changes (${engine})`, () => {
  it("promotes from the head of the waitlist when staff raise the capacity", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 1 });
    await registerFor(t, e.slug, { email: "a@example.org" });
    for (const email of ["b@example.org", "c@example.org", "d@example.org"])
      await registerFor(t, e.slug, { email });
    const res = await t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { capacity: 3 } });
    expect(res.status).toBe(200);
    expect(await statusOf(t, e.slug, "b@example.org")).toBe("confirmed");
    expect(await statusOf(t, e.slug, "c@example.org")).toBe("confirmed");
    expect(await standingOf(t, e.slug, "d@example.org")).toEqual({ status: "waitlisted", position: 1 });
    const promoted = (await outboxRows(t)).filter((r) => r.template === "registration.promoted");
    expect(promoted).toHaveLength(2);
  });
});
