import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { outboxRows, registerFor } from "../support/registrations.js";

describe(`registering for an event (${engine})`, () => {
  it("confirms a registration, answers with a manage link and queues one confirmation email", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 10 });
    const res = await registerFor(t, e.slug, { name: "Ada", email: "  Ada@Example.ORG " });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "confirmed", position: null });
    expect(res.body.manageUrl).toMatch(/^https:\/\/events\.example\.org\/r\/[0-9a-z]{48}$/);
    const rows = await outboxRows(t);
    expect(rows.map((r) => r.template)).toEqual(["registration.confirmed"]);
    expect(JSON.stringify(rows)).not.toContain(res.body.manageUrl.split("/r/")[1]);
  });

  it("never seats more than the capacity, whatever arrives at once, and queues the rest in order", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 5, waitlist: true });
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => registerFor(t, e.slug, { email: `p${i}@example.org` })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    const confirmed = results.filter((r) => r.body.status === "confirmed");
    const waitlisted = results.filter((r) => r.body.status === "waitlisted");
    expect(confirmed).toHaveLength(5);
    expect(waitlisted.map((r) => r.body.position).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    expect((await outboxRows(t)).length).toBe(25);
  });

  it("refuses with event-full once the seats are gone and the event has no waitlist", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 3, waitlist: false });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => registerFor(t, e.slug, { email: `q${i}@example.org` })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(7);
    expect(refused[0]!.body.type).toBe("/problems/event-full");
    expect((await outboxRows(t)).length).toBe(3);
  });

  it("treats the same email in any case and spacing as one registration, with at most one extra email", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 10 });
    const variants = ["same@example.org", "SAME@example.org", " same@Example.org ", "Same@EXAMPLE.ORG"];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => registerFor(t, e.slug, { email: variants[i % 4] })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const again = results.filter((r) => r.status === 200);
    expect(again).toHaveLength(19);
    for (const r of again) {
      expect(r.body).toEqual({ status: "confirmed", position: null });
      expect(r.text).not.toContain("/r/");
    }
    const templates = (await outboxRows(t)).map((r) => r.template).sort();
    expect(templates).toEqual(["registration.confirmed", "registration.resend"]);
  });

  it("frees the seat on cancellation and promotes the first waitlisted person in the same step", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 1, waitlist: true });
    const first = await registerFor(t, e.slug, { email: "first@example.org" });
    const second = await registerFor(t, e.slug, { email: "second@example.org" });
    const third = await registerFor(t, e.slug, { email: "third@example.org" });
    expect([second.body.position, third.body.position]).toEqual([1, 2]);

    const token = first.body.manageUrl.split("/r/")[1];
    const cancelled = await t.request("POST", `/api/v1/registrations/${token}/cancel`);
    expect(cancelled.body).toEqual({ status: "cancelled", position: null });
    const again = await t.request("POST", `/api/v1/registrations/${token}/cancel`);
    expect(again.body.status).toBe("cancelled");

    const templates = (await outboxRows(t)).map((r) => `${r.template}`);
    expect(templates.filter((x) => x === "registration.promoted")).toHaveLength(1);
    expect(templates.filter((x) => x === "registration.cancelled")).toHaveLength(1);
    const thirdAgain = await registerFor(t, e.slug, { email: "third@example.org" });
    expect(thirdAgain.body).toEqual({ status: "waitlisted", position: 1 });
    const secondAgain = await registerFor(t, e.slug, { email: "second@example.org" });
    expect(secondAgain.body.status).toBe("confirmed");
  });

  it("lets a person who cancelled register again", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 5 });
    const first = await registerFor(t, e.slug, { email: "back@example.org" });
    await t.request("POST", `/api/v1/registrations/${first.body.manageUrl.split("/r/")[1]}/cancel`);
    const back = await registerFor(t, e.slug, { email: "back@example.org" });
    expect(back.status).toBe(201);
    expect(back.body.status).toBe("confirmed");
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
    expect(ok.status).toBe(201);
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
    expect(statuses).toEqual([201, 201, 201, 429, 429]);
    t.clock.advance(60_000);
    expect((await registerFor(t, e.slug)).status).toBe(201);
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
    expect((await registerFor(t, e.slug, { email: "b@example.org" })).body.status).toBe("confirmed");
    expect((await registerFor(t, e.slug, { email: "c@example.org" })).body.status).toBe("confirmed");
    expect((await registerFor(t, e.slug, { email: "d@example.org" })).body).toEqual({
      status: "waitlisted",
      position: 1,
    });
    const promoted = (await outboxRows(t)).filter((r) => r.template === "registration.promoted");
    expect(promoted).toHaveLength(2);
  });
});
