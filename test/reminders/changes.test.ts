import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { engine } from "../support/app.js";
import { plan, register, reminders, runAt, setup } from "../support/reminders.js";

describe(`reminders when the event changes (${engine})`, () => {
  it("keeps the wall-clock time of P1D across the March change in New York, exact hours for PT24H", async () => {
    const { t, key, e, box } = await setup({ reminders: ["P1D", "PT24H", "PT1H"] });
    await register(t, e.slug, "ada@example.org");
    // Sunday 8 March 2026 12:00 EDT = 16:00Z; clocks went forward at 02:00 that morning.
    const moved = await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-03-08T12:00" },
    });
    expect(moved.status).toBe(200);
    const rows = (await plan(t, key, e.slug)).reminders;
    expect(rows.map((r) => [r.offset, r.dueAt, r.dueLocal])).toEqual([
      ["PT24H", "2026-03-07T16:00:00Z", "2026-03-07T11:00:00-05:00"],
      ["P1D", "2026-03-07T17:00:00Z", "2026-03-07T12:00:00-05:00"],
      ["PT1H", "2026-03-08T15:00:00Z", "2026-03-08T11:00:00-04:00"],
    ]);
    await runAt(t, "2026-03-07T16:00:00Z");
    expect(reminders(box).map((m) => m.subject)).toEqual([`Reminder: ${e.title} starts in 24 hours`]);
    await runAt(t, "2026-03-07T16:59:00Z");
    expect(reminders(box)).toHaveLength(1);
    await runAt(t, "2026-03-07T17:00:00Z");
    const day = reminders(box)[1]!;
    expect(day.subject).toBe(`Reminder: ${e.title} starts in 1 day`);
    expect(day.text).toContain("Sunday 8 March 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
    expect(day.text).toContain("Sunday 8 March 2026, 16:00\u201317:00 UTC");
  });

  it("sends the day-before reminder again for the new date after a move across the November change", async () => {
    const { t, key, e, box } = await setup({ startsAt: "2026-10-30T12:00" }); // Friday, EDT = 16:00Z
    await register(t, e.slug, "ada@example.org");
    await runAt(t, "2026-10-29T16:00:00Z");
    expect(reminders(box)).toHaveLength(1);
    t.clock.set("2026-10-29T17:00:00Z");
    // Sunday 1 November 12:00 EST = 17:00Z; clocks went back at 02:00 that morning.
    const moved = await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-11-01T12:00" },
    });
    expect(moved.status).toBe(200);
    const rows = (await plan(t, key, e.slug)).reminders;
    expect(rows.map((r) => [r.offset, r.dueAt, r.status])).toEqual([
      ["P1D", "2026-10-31T16:00:00Z", "scheduled"], // 12:00 EDT the day before: 25 hours earlier
      ["PT1H", "2026-11-01T16:00:00Z", "scheduled"],
    ]);
    await runAt(t, "2026-10-31T15:59:00Z");
    expect(reminders(box)).toHaveLength(1);
    await runAt(t, "2026-10-31T16:00:00Z");
    const again = reminders(box)[1]!;
    expect(again.subject).toBe(`Reminder: ${e.title} starts in 1 day`);
    expect(again.text).toContain("Sunday 1 November 2026, 12:00\u201313:00 EST (UTC\u221205:00)");
    expect(again.text).toContain("Sunday 1 November 2026, 17:00\u201318:00 UTC");
    await runAt(t, "2026-11-01T16:00:00Z");
    expect(reminders(box)).toHaveLength(3);
    const ids = reminders(box).map((m) => m.messageId);
    expect(new Set(ids).size).toBe(3);
  });

  it("follows Kyiv's own DST change (29 March), not New York's", async () => {
    const { t, key, e, box } = await setup({
      startsAt: "2026-03-29T12:00",
      timeZone: "Europe/Kyiv",
      reminders: ["P1D"],
    });
    await register(t, e.slug, "olena@example.org");
    const [row] = (await plan(t, key, e.slug)).reminders;
    expect([row.dueAt, row.dueLocal]).toEqual(["2026-03-28T10:00:00Z", "2026-03-28T12:00:00+02:00"]);
    await runAt(t, "2026-03-28T09:59:00Z");
    expect(reminders(box)).toHaveLength(0);
    await runAt(t, "2026-03-28T10:00:00Z");
    expect(reminders(box)[0]!.text).toContain("Sunday 29 March 2026, 12:00\u201313:00 EEST (UTC+03:00)");
    expect(reminders(box)[0]!.text).toContain("Sunday 29 March 2026, 09:00\u201310:00 UTC");
  });

  it("skips reminders whose moment is already past when the event moves closer", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");
    await runAt(t, "2026-04-15T16:00:00Z");
    t.clock.set("2026-04-16T14:00:00Z");
    const moved = await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-04-16T11:00" }, // 15:00Z: the PT1H moment is now
    });
    expect(moved.status).toBe(200);
    await runAt(t, "2026-04-16T14:01:00Z");
    await runAt(t, "2026-04-16T16:00:00Z");
    expect(reminders(box)).toHaveLength(1);
    const rows = (await plan(t, key, e.slug)).reminders;
    expect(rows.map((r) => [r.offset, r.status, r.skipReason])).toEqual([
      ["P1D", "skipped", "its moment had passed when it was planned"],
      ["PT1H", "skipped", "its moment had passed when it was planned"],
    ]);
  });

  it("drops pending reminders on cancellation, and does not send one already queued", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");
    box.failWith = "mail server down";
    await runAt(t, "2026-04-15T16:00:00Z"); // queued, the send failed: it will be retried
    expect((await plan(t, key, e.slug)).reminders[0].delivery).toMatchObject({ queued: 1, retrying: 1 });
    expect((await t.request("POST", `/api/v1/events/${e.slug}/cancel`, { key })).status).toBe(200);
    box.failWith = null;
    await runAt(t, "2026-04-15T17:00:00Z");
    await runAt(t, "2026-04-16T15:00:00Z");
    expect(reminders(box)).toHaveLength(0);
    // The confirmation, held up by the outage too, goes out; then the cancellation notice.
    expect(box.messages.map((m) => m.subject)).toEqual([
      `Registered: ${e.title}`,
      `Event cancelled: ${e.title}`,
    ]);
    const rows = (await plan(t, key, e.slug)).reminders;
    expect(rows.map((r) => [r.offset, r.status])).toEqual([
      ["P1D", "done"],
      ["PT1H", "dropped"],
    ]);
    expect(rows[0].delivery).toEqual({ queued: 0, retrying: 0, sent: 0, failed: 0, skipped: 1 });
  });

  it("replans when staff change the offsets: removed ones stop, new ones are scheduled", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");
    const res = await t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { reminders: ["PT30M"] } });
    expect(res.status).toBe(200);
    expect(res.body.reminders).toEqual(["PT30M"]);
    const rows = (await plan(t, key, e.slug)).reminders;
    expect(rows.map((r) => [r.offset, r.status])).toEqual([
      ["P1D", "dropped"],
      ["PT1H", "dropped"],
      ["PT30M", "scheduled"],
    ]);
    await runAt(t, "2026-04-15T16:00:00Z");
    await runAt(t, "2026-04-16T15:00:00Z");
    expect(reminders(box)).toHaveLength(0);
    await runAt(t, "2026-04-16T15:30:00Z");
    expect(reminders(box).map((m) => m.subject)).toEqual([`Reminder: ${e.title} starts in 30 minutes`]);
  });

  it("refuses offsets that are not ISO 8601 durations before the start, naming the field", async () => {
    const { t, key, e } = await setup();
    for (const [reminders, field] of [
      [["P1D", "soon"], "reminders.1"],
      [["-PT1H"], "reminders.0"],
      [["P1D", "P1D"], "reminders"],
      [["P90D"], "reminders.0"],
    ] as const) {
      const res = await t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { reminders } });
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((x: { field: string }) => x.field)).toEqual([field]);
    }
    expect((await plan(t, key, e.slug)).offsets).toEqual(["P1D", "PT1H"]);
  });

  it("plans reminders for a published event that has none yet (data from before reminders existed)", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");
    await sqlAll(t.db, sql`DELETE FROM reminders`);
    expect((await plan(t, key, e.slug)).reminders).toEqual([]);
    const report = await runAt(t, "2026-01-15T12:01:00Z");
    expect(report.plansRepaired).toBe(1);
    expect(
      (await plan(t, key, e.slug)).reminders.map((r: { offset: string; status: string }) => [
        r.offset,
        r.status,
      ]),
    ).toEqual([
      ["P1D", "scheduled"],
      ["PT1H", "scheduled"],
    ]);
    expect((await runAt(t, "2026-01-15T12:02:00Z")).plansRepaired).toBe(0);
    await runAt(t, "2026-04-15T16:00:00Z");
    expect(reminders(box)).toHaveLength(1);
  });
});
