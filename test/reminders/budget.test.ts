import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { FANOUT_BATCH, fanOutDueReminders } from "../../src/features/reminders/fanout.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { plan, registrants, reminders, setup } from "../support/reminders.js";

// makeEvent's default starts 2026-04-16 16:00Z; the hour-before reminder is due at 15:00Z.
const DUE = "2026-04-16T15:00:00Z";

const queuedFor = async (t: TestApp, eventId: string) =>
  Number(
    (
      await sqlAll<{ n: number }>(
        t.db,
        sql`SELECT count(*) AS n FROM outbox WHERE event_id = ${eventId} AND template = 'event.reminder'`,
      )
    )[0]!.n,
  );

describe(`reminder fan-out within a run's budget (${engine})`, () => {
  it("hands back what the page budget leaves, and the next run goes on from the cursor without queuing anyone twice", async () => {
    const { t, key, e, box } = await setup({ reminders: ["PT1H"] });
    const other = await makeEvent(t, key, { reminders: ["PT1H"] });
    await registrants(t, e.id, FANOUT_BATCH + 20, "big");
    await registrants(t, other.id, 3, "small");
    t.clock.set(DUE);

    // One page: the first 500 of the big event; its rest and the small event are handed back.
    const first = await fanOutDueReminders(t.deps, t.clock.now(), { pages: 1 });
    expect(first).toMatchObject({ claimed: 2, queued: FANOUT_BATCH, done: 0, paused: 2 });
    expect(await queuedFor(t, e.id)).toBe(FANOUT_BATCH);
    expect((await plan(t, key, e.slug)).reminders).toMatchObject([{ offset: "PT1H", status: "scheduled" }]);

    // Handed back, not leased: the very next run takes both up again.
    const second = await fanOutDueReminders(t.deps, t.clock.now(), { pages: 5 });
    expect(second).toMatchObject({ claimed: 2, queued: 23, done: 2, paused: 0 });
    expect(await queuedFor(t, e.id)).toBe(FANOUT_BATCH + 20);
    expect(await queuedFor(t, other.id)).toBe(3);

    await runDueWork(t.deps);
    const to = reminders(box).map((m) => m.to);
    expect(to).toHaveLength(FANOUT_BATCH + 23);
    expect(new Set(to).size).toBe(FANOUT_BATCH + 23);
  });

  it("runs the whole fan-out in one due-work run when it fits the budget", async () => {
    const { t, e, box } = await setup({ reminders: ["PT1H"] });
    await registrants(t, e.id, FANOUT_BATCH + 1, "fits");
    t.clock.set(DUE);
    const run = await runDueWork(t.deps);
    expect(run.reminders).toMatchObject({ claimed: 1, queued: FANOUT_BATCH + 1, done: 1, paused: 0 });
    expect(reminders(box)).toHaveLength(FANOUT_BATCH + 1);
  });
});
