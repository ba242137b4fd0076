import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { registrationCounts, registrations } from "../../src/db/schema.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor, registerWithLink, standingOf } from "../support/registrations.js";

// registration_counts is kept by triggers (migration 0007) and decides seats and a new
// waitlister's place, so after any mix of changes it must equal a count of the rows themselves.

async function kept(t: TestApp, eventId: string) {
  const [row] = await t.db.select().from(registrationCounts).where(eq(registrationCounts.eventId, eventId));
  return { confirmed: row?.confirmed ?? 0, waitlisted: row?.waitlisted ?? 0 };
}

async function counted(t: TestApp, eventId: string) {
  const [row] = await t.db
    .select({
      confirmed: sql<number>`coalesce(sum(${registrations.status} = 'confirmed'), 0)`,
      waitlisted: sql<number>`coalesce(sum(${registrations.status} = 'waitlisted'), 0)`,
    })
    .from(registrations)
    .where(eq(registrations.eventId, eventId));
  return { confirmed: Number(row?.confirmed ?? 0), waitlisted: Number(row?.waitlisted ?? 0) };
}

describe(`registration counts (${engine})`, () => {
  it("match the registrations through registering, cancelling, re-registering, promoting, removing, raising capacity and erasing", async () => {
    const t = await createTestApp();
    const key = await t.key(["admin"]);
    const e = await makeEvent(t, key, { capacity: 2, waitlist: true });
    const check = async (expected: { confirmed: number; waitlisted: number }) => {
      expect(await counted(t, e.id)).toEqual(expected);
      expect(await kept(t, e.id)).toEqual(expected);
    };

    const people = [];
    for (let i = 0; i < 6; i++) people.push(await registerWithLink(t, e.slug, `count${i}@example.org`));
    const standings = [];
    for (let i = 0; i < 6; i++) standings.push(await standingOf(t, e.slug, `count${i}@example.org`));
    expect(standings.map((p) => p!.status)).toEqual([
      "confirmed",
      "confirmed",
      "waitlisted",
      "waitlisted",
      "waitlisted",
      "waitlisted",
    ]);
    expect(standings.slice(2).map((p) => p!.position)).toEqual([1, 2, 3, 4]);
    await check({ confirmed: 2, waitlisted: 4 });

    // A confirmed person cancels: the head of the waitlist takes the seat in the same step.
    expect((await t.request("POST", `/api/v1/registrations/${people[0]!.token}/cancel`)).status).toBe(200);
    await check({ confirmed: 2, waitlisted: 3 });

    // A waitlisted person cancels, then comes back: to the end of the queue.
    await t.request("POST", `/api/v1/registrations/${people[4]!.token}/cancel`);
    await check({ confirmed: 2, waitlisted: 2 });
    const back = people[4]!;
    const rejoined = await t.request("POST", `/r/${back.token}/rejoin`, {
      headers: { origin: "https://events.example.org" },
    });
    expect(rejoined.status).toBe(303);
    expect(await standingOf(t, e.slug, "count4@example.org")).toEqual({ status: "waitlisted", position: 3 });
    await check({ confirmed: 2, waitlisted: 3 });

    // Staff promote one past the capacity, then remove a confirmed one (no seat frees: 3 > 2).
    const list = await t.request("GET", `/api/v1/events/${e.slug}/registrations?status=waitlisted`, { key });
    const head = list.body.data.find((r: { position: number }) => r.position === 1);
    expect((await t.request("POST", `/api/v1/registrations/${head.id}/promote`, { key })).status).toBe(200);
    await check({ confirmed: 3, waitlisted: 2 });
    const confirmed = await t.request("GET", `/api/v1/events/${e.slug}/registrations?status=confirmed`, {
      key,
    });
    await t.request("DELETE", `/api/v1/registrations/${confirmed.body.data[0].id}`, { key });
    await check({ confirmed: 2, waitlisted: 2 });

    // Raising the capacity promotes from the waitlist.
    expect(
      (await t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { capacity: 3 } })).status,
    ).toBe(200);
    await check({ confirmed: 3, waitlisted: 1 });

    // "Delete my data" cancels the person's registrations (here the one still waiting).
    const erase = await t.request("POST", `/r/${back.token}/erase`, {
      body: "confirm=yes",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://events.example.org" },
    });
    expect(erase.status).toBeLessThan(400);
    await check({ confirmed: 3, waitlisted: 0 });

    // And the next registration's place comes from the kept count.
    await registerFor(t, e.slug, { email: "count-late@example.org" });
    expect(await standingOf(t, e.slug, "count-late@example.org")).toEqual({
      status: "waitlisted",
      position: 1,
    });
    await check({ confirmed: 3, waitlisted: 1 });
  });

  it("are kept per event, and a registration deleted outright (its attendee removed) is subtracted", async () => {
    const t = await createTestApp();
    const key = await t.key(["admin"]);
    const a = await makeEvent(t, key, { capacity: 1, waitlist: true });
    const b = await makeEvent(t, key, { capacity: null, waitlist: false });
    await registerFor(t, a.slug, { email: "both@example.org" });
    await registerFor(t, a.slug, { email: "only-a@example.org" });
    await registerFor(t, b.slug, { email: "both@example.org" });
    expect(await kept(t, a.id)).toEqual({ confirmed: 1, waitlisted: 1 });
    expect(await kept(t, b.id)).toEqual({ confirmed: 1, waitlisted: 0 });

    await t.db.run(sql`DELETE FROM attendees WHERE email = 'both@example.org'`);
    expect(await kept(t, a.id)).toEqual(await counted(t, a.id));
    expect(await kept(t, b.id)).toEqual({ confirmed: 0, waitlisted: 0 });
    expect(await kept(t, a.id)).toEqual({ confirmed: 0, waitlisted: 1 });
  });
});
