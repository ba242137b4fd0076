import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { changeCounters, events } from "../../src/db/schema.js";
import { eventsChangeCount } from "../../src/features/events/change-count.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

describe(`the events change count (${engine})`, () => {
  it("moves with every insert, update and delete of an event, through the app or not", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const start = await eventsChangeCount(t.db);
    expect(start).toEqual(expect.any(Number));

    const e = await makeEvent(t, key, { title: "Counted" });
    const afterCreate = (await eventsChangeCount(t.db))!;
    expect(afterCreate).toBeGreaterThan(start!);

    await t.db.update(events).set({ title: "Counted again" }).where(eq(events.slug, e.slug));
    const afterUpdate = (await eventsChangeCount(t.db))!;
    expect(afterUpdate).toBe(afterCreate + 1);

    // Reads and registrations do not change events, so they leave the count alone.
    await t.request("GET", `/api/v1/events/${e.slug}`);
    await t.request("POST", `/api/v1/events/${e.slug}/registrations`, {
      body: { name: "Reader", email: "reader@example.org", consent: true },
    });
    expect(await eventsChangeCount(t.db)).toBe(afterUpdate);

    await t.db.delete(events).where(eq(events.slug, e.slug));
    expect(await eventsChangeCount(t.db)).toBe(afterUpdate + 1);
  });

  it("comes back at a fresh number with the next change if its row is lost", async () => {
    const t = await createTestApp();
    const key = await t.key();
    await makeEvent(t, key, { title: "Before" });
    const before = (await eventsChangeCount(t.db))!;
    await t.db.delete(changeCounters);
    expect(await eventsChangeCount(t.db)).toBeNull();
    await makeEvent(t, key, { title: "After" });
    const after = await eventsChangeCount(t.db);
    expect(after).toEqual(expect.any(Number));
    expect(after).not.toBe(before);
    expect(Number.isSafeInteger(after)).toBe(true);
  });
});
