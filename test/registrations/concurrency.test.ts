import { asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attendees, outbox, registrations } from "../../src/db/schema.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor, registerWithLink } from "../support/registrations.js";

// Invariants 1-3 under load: everything below is fired at once through app.request against one
// database, and the database must end up exactly right.
const REQUESTS = 500;
const CAPACITY = 100;
const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);

async function statusCounts(t: TestApp, eventId: string) {
  const rows = await t.db
    .select({ status: registrations.status, n: sql<number>`count(*)` })
    .from(registrations)
    .where(eq(registrations.eventId, eventId))
    .groupBy(registrations.status);
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

/** Waitlist ranks as the staff list reports them, which must be 1..n without gaps. */
async function queueRanks(t: TestApp, slug: string, key: string, expected = 100) {
  const ranks: number[] = [];
  let cursor = "";
  do {
    const res = await t.request(
      "GET",
      `/api/v1/events/${slug}/registrations?status=waitlisted&limit=100${cursor ? `&cursor=${cursor}` : ""}`,
      { key },
    );
    ranks.push(...res.body.data.map((r: any) => r.position));
    cursor = res.body.nextCursor ?? "";
  } while (cursor && ranks.length < expected);
  return ranks.sort((a: number, b: number) => a - b);
}

async function templates(t: TestApp) {
  const rows = await t.db
    .select({ template: outbox.template, registrationId: outbox.registrationId })
    .from(outbox);
  const count = (template: string) => rows.filter((r) => r.template === template).length;
  return { rows, count };
}

describe(`registration under concurrency (${engine})`, () => {
  it(`seats exactly ${CAPACITY} of ${REQUESTS} simultaneous registrations and queues the rest gap-free`, async () => {
    const t = await createTestApp();
    const key = await t.key(["admin"]);
    const e = await makeEvent(t, key, { capacity: CAPACITY, waitlist: true });
    const results = await Promise.all(
      range(REQUESTS, 0).map((i) => registerFor(t, e.slug, { email: `load${i}@example.org` })),
    );
    const failures = results.filter((r) => r.status !== 202);
    expect(failures.map((r) => `${r.status} ${r.text.slice(0, 200)}`)).toEqual([]);
    // Each answer says what its new registration got: exactly CAPACITY seats.
    expect(results.filter((r) => r.body.newRegistration === "confirmed")).toHaveLength(CAPACITY);
    expect(await queueRanks(t, e.slug, key, REQUESTS - CAPACITY)).toEqual(range(REQUESTS - CAPACITY));

    expect(await statusCounts(t, e.id)).toEqual({ confirmed: CAPACITY, waitlisted: REQUESTS - CAPACITY });
    const stored = await t.db
      .select({ position: registrations.waitlistPosition })
      .from(registrations)
      .where(eq(registrations.status, "waitlisted"))
      .orderBy(asc(registrations.waitlistPosition));
    expect(stored.map((r) => r.position)).toEqual(range(REQUESTS - CAPACITY));

    const { rows, count } = await templates(t);
    expect(rows).toHaveLength(REQUESTS);
    expect(new Set(rows.map((r) => r.registrationId)).size).toBe(REQUESTS);
    expect(count("registration.confirmed")).toBe(CAPACITY);
    expect(count("registration.waitlisted")).toBe(REQUESTS - CAPACITY);
  });

  it("turns 50 simultaneous registrations of one email, in any case and spacing, into one", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 10 });
    const variants = [
      "dup@example.org",
      "DUP@EXAMPLE.ORG",
      "  Dup@Example.org",
      "dUp@example.ORG  ",
      "\tdup@example.org",
    ];
    const results = await Promise.all(
      range(50, 0).map((i) => registerFor(t, e.slug, { email: variants[i % variants.length] })),
    );
    // Fifty identical answers: nothing tells which request registered.
    expect(new Set(results.map((r) => `${r.status} ${r.text}`)).size).toBe(1);
    expect(results[0]!.body).toMatchObject({ status: "check-email", newRegistration: "confirmed" });
    expect(await t.db.select().from(attendees).where(eq(attendees.email, "dup@example.org"))).toHaveLength(1);
    expect(await statusCounts(t, e.id)).toEqual({ confirmed: 1 });
    const { rows, count } = await templates(t);
    expect(count("registration.confirmed")).toBe(1);
    expect(count("registration.resend")).toBeLessThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(2);
  });

  it("promotes exactly one waitlisted person per simultaneous cancellation while the waitlist lasts", async () => {
    const t = await createTestApp();
    const key = await t.key(["admin"]);
    const capacity = 30;
    const e = await makeEvent(t, key, { capacity, waitlist: true });
    const seated: { id: string; token: string }[] = [];
    for (const i of range(capacity + 20, 0)) {
      const { token, status } = await registerWithLink(t, e.slug, `c${i}@example.org`);
      t.clock.advance(1000);
      if (status === "confirmed") seated.push({ id: "", token });
    }
    const listed = await t.request(
      "GET",
      `/api/v1/events/${e.slug}/registrations?status=confirmed&limit=100`,
      {
        key,
      },
    );
    listed.body.data.forEach((r: any, i: number) => {
      seated[i]!.id = r.id; // both lists are in registration order
    });

    // Round 1: 15 cancellations, each sent twice at once (by its owner and by staff).
    const round1 = seated.slice(0, 15);
    const answers = await Promise.all(
      round1.flatMap((s) => [
        t.request("POST", `/api/v1/registrations/${s.token}/cancel`),
        t.request("DELETE", `/api/v1/registrations/${s.id}`, { key }),
      ]),
    );
    expect(answers.filter((r) => r.status !== 200)).toEqual([]);
    expect(await statusCounts(t, e.id)).toEqual({ confirmed: capacity, waitlisted: 5, cancelled: 15 });
    expect(await queueRanks(t, e.slug, key)).toEqual(range(5));
    let mail = await templates(t);
    expect(mail.count("registration.promoted")).toBe(15);
    expect(mail.count("registration.cancelled")).toBe(15);

    // Round 2: 10 more, with only 5 left to promote.
    const round2 = seated.slice(15, 25);
    await Promise.all(
      round2.map((s, i) =>
        i % 2
          ? t.request("POST", `/api/v1/registrations/${s.token}/cancel`)
          : t.request("DELETE", `/api/v1/registrations/${s.id}`, { key }),
      ),
    );
    expect(await statusCounts(t, e.id)).toEqual({ confirmed: capacity - 5, cancelled: 25 });
    mail = await templates(t);
    expect(mail.count("registration.promoted")).toBe(20);
    expect(mail.count("registration.cancelled")).toBe(25);
    const promotedTwice = mail.rows
      .filter((r) => r.template === "registration.promoted")
      .map((r) => r.registrationId);
    expect(new Set(promotedTwice).size).toBe(20);
  });
});
