import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken } from "../support/mailbox.js";
import { plan, register, reminders, remindersTo, runAt, setup } from "../support/reminders.js";

describe(`reminders before the event (${engine})`, () => {
  it("sends the day-before and the hour-before reminder once each, at their moments", async () => {
    const { t, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");

    await runAt(t, "2026-04-15T15:59:59Z");
    expect(reminders(box)).toHaveLength(0);
    await runAt(t, "2026-04-15T16:00:00Z");
    const [day] = reminders(box);
    expect(day!.subject).toBe(`Reminder: ${e.title} starts in 1 day`);
    expect(day!.to).toBe("ada@example.org");
    expect(day!.text).toContain("Thursday 16 April 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
    expect(day!.text).toContain("Thursday 16 April 2026, 16:00\u201317:00 UTC");
    expect(linkToken(day!.text, "j")).toBeTruthy();
    expect(linkToken(day!.text, "r")).toBeTruthy();
    expect(day!.text).toContain(`https://events.example.org/events/${e.slug}.ics`);
    expect(day!.text).not.toContain("zoom.example.com");
    expect(day!.html).not.toContain("zoom.example.com");
    expect(day!.headers["List-Unsubscribe"]).toMatch(
      /^<https:\/\/events\.example\.org\/r\/[0-9a-z]+\/unsubscribe>$/,
    );
    expect(day!.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");

    await runAt(t, "2026-04-15T16:05:00Z");
    await runAt(t, "2026-04-16T14:59:00Z");
    expect(reminders(box)).toHaveLength(1);
    await runAt(t, "2026-04-16T15:00:00Z");
    expect(reminders(box).map((m) => m.subject)).toEqual([
      `Reminder: ${e.title} starts in 1 day`,
      `Reminder: ${e.title} starts in 1 hour`,
    ]);
    await runAt(t, "2026-04-16T16:00:00Z");
    await runAt(t, "2026-04-16T18:00:00Z");
    expect(reminders(box)).toHaveLength(2);
  });

  it("sends the starting-now note with the join link just after the start, and not after its grace", async () => {
    const { t, e, box } = await setup({ reminders: ["PT0S"] });
    await register(t, e.slug, "ada@example.org");
    await runAt(t, "2026-04-16T16:01:00Z");
    const [note] = reminders(box);
    expect(note!.subject).toBe(`Starting now: ${e.title}`);
    expect(note!.text).toContain("is starting now. Join with your personal link below.");
    expect(linkToken(note!.text, "j")).toBeTruthy();

    const late = await setup({ reminders: ["PT0S"] });
    await register(late.t, late.e.slug, "bo@example.org");
    await runAt(late.t, "2026-04-16T16:10:00Z");
    expect(reminders(late.box)).toHaveLength(0);
    const [row] = (await plan(late.t, late.key, late.e.slug)).reminders;
    expect(row).toMatchObject({ offset: "PT0S", status: "skipped" });
  });

  it("leaves out registrations made after a reminder's moment, and the waitlisted", async () => {
    const { t, e, box } = await setup({ capacity: 2 });
    await register(t, e.slug, "early@example.org");
    await runAt(t, "2026-04-15T16:00:00Z");
    await register(t, e.slug, "late@example.org");
    const waiting = await register(t, e.slug, "waiting@example.org");
    expect(waiting.status).toBe("waitlisted");
    await runAt(t, "2026-04-16T15:00:00Z");
    expect(remindersTo(box, "early@example.org")).toHaveLength(2);
    expect(remindersTo(box, "late@example.org").map((m) => m.subject)).toEqual([
      `Reminder: ${e.title} starts in 1 hour`,
    ]);
    expect(remindersTo(box, "waiting@example.org")).toHaveLength(0);
  });

  it("sends a reminder missed during downtime late, saying how long is left, but not to later registrants", async () => {
    const { t, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");
    t.clock.set("2026-04-15T18:00:00Z"); // the service was down at the P1D moment (16:00Z)
    await register(t, e.slug, "bo@example.org");
    await runAt(t, "2026-04-15T18:30:00Z");
    expect(reminders(box).map((m) => [m.to, m.subject])).toEqual([
      ["ada@example.org", `Reminder: ${e.title} starts in 21 hours 30 minutes`],
    ]);

    await runAt(t, "2026-04-16T15:42:00Z"); // 42 minutes after the PT1H moment
    expect(remindersTo(box, "bo@example.org").map((m) => m.subject)).toEqual([
      `Reminder: ${e.title} starts in 18 minutes`,
    ]);
  });

  it("skips, and records as skipped, a reminder whose moment and the start both passed during downtime", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");
    await runAt(t, "2026-04-15T16:00:00Z");
    await runAt(t, "2026-04-16T16:30:00Z"); // down from before 15:00Z until after the start
    expect(reminders(box)).toHaveLength(1);
    const rows = (await plan(t, key, e.slug)).reminders;
    expect(rows.map((r) => [r.offset, r.status])).toEqual([
      ["P1D", "done"],
      ["PT1H", "skipped"],
    ]);
    expect(rows[1].skipReason).toMatch(/not running .* nothing was sent/);
  });
});

describe(`who gets reminders (${engine})`, () => {
  it("stops reminders for a registrant who cancels, and for one event only when someone opts out", async () => {
    const { t, key, e, box } = await setup();
    const other = await makeEvent(t, key, { title: "Sanctions after the ceasefire" });
    const ada = await register(t, e.slug, "ada@example.org");
    await register(t, other.slug, "ada@example.org");
    const bo = await register(t, e.slug, "bo@example.org");
    const optOut = await t.request("POST", `/r/${ada.token}/unsubscribe`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(optOut.status).toBe(200);
    expect((await t.request("POST", `/api/v1/registrations/${bo.token}/cancel`)).status).toBe(200);
    await runAt(t, "2026-04-15T16:00:00Z");
    expect(reminders(box).map((m) => [m.to, m.subject])).toEqual([
      ["ada@example.org", `Reminder: ${other.title} starts in 1 day`],
    ]);
    expect((await plan(t, key, e.slug)).optedOut).toBe(1);
  });

  it("does not send a queued reminder to someone who cancelled and registered again after its moment", async () => {
    const { t, e, box } = await setup({ reminders: ["PT1H"] });
    const ada = await register(t, e.slug, "ada@example.org");
    box.failWith = "mail server down";
    await runAt(t, "2026-04-16T15:00:00Z"); // queued for Ada, the send failed
    t.clock.set("2026-04-16T15:01:00Z");
    expect((await t.request("POST", `/api/v1/registrations/${ada.token}/cancel`)).status).toBe(200);
    await register(t, e.slug, "ada@example.org");
    box.failWith = null;
    await runAt(t, "2026-04-16T15:05:00Z");
    expect(reminders(box)).toHaveLength(0);
  });

  it("shows staff the plan and the delivery counts", async () => {
    const { t, key, e, box } = await setup();
    const reader = await t.key(["registrations:read"]);
    await register(t, e.slug, "ada@example.org");
    const bo = await register(t, e.slug, "bo@example.org");
    const before = await plan(t, reader, e.slug);
    expect(before.reminders).toEqual([
      expect.objectContaining({
        offset: "P1D",
        kind: "before_start",
        dueAt: "2026-04-15T16:00:00Z",
        dueLocal: "2026-04-15T12:00:00-04:00",
        status: "scheduled",
        doneAt: null,
        delivery: { queued: 0, retrying: 0, sent: 0, failed: 0, skipped: 0 },
      }),
      expect.objectContaining({ offset: "PT1H", dueAt: "2026-04-16T15:00:00Z", status: "scheduled" }),
    ]);
    box.failWith = "mail server down";
    await runAt(t, "2026-04-15T16:00:00Z");
    expect((await plan(t, reader, e.slug)).reminders[0]).toMatchObject({
      status: "done",
      doneAt: "2026-04-15T16:00:00Z",
      delivery: { queued: 2, retrying: 2, sent: 0, failed: 0, skipped: 0 },
    });
    await t.request("POST", `/api/v1/registrations/${bo.token}/cancel`);
    box.failWith = null;
    await runAt(t, "2026-04-15T16:10:00Z");
    expect((await plan(t, reader, e.slug)).reminders[0].delivery).toEqual({
      queued: 0,
      retrying: 0,
      sent: 1,
      failed: 0,
      skipped: 1,
    });
    expect((await t.request("GET", `/api/v1/events/${e.slug}/reminders`)).status).toBe(401);
    expect((await t.request("GET", "/api/v1/events/nope/reminders", { key })).status).toBe(404);
  });
});

describe(`exactly once (${engine})`, () => {
  it("sends each reminder once when two due-work runs overlap", async () => {
    const { t, e, box } = await setup({ capacity: 100 });
    for (let i = 0; i < 30; i++) await register(t, e.slug, `p${i}@example.org`);
    t.clock.set("2026-04-15T16:00:00Z");
    await Promise.all([runDueWork(t.deps), runDueWork(t.deps), runDueWork(t.deps)]);
    await runDueWork(t.deps);
    const sent = reminders(box);
    expect(sent).toHaveLength(30);
    expect(new Set(sent.map((m) => m.to)).size).toBe(30);
    expect(new Set(sent.map((m) => m.messageId)).size).toBe(30);
  });

  it("queues nothing twice when a run died after queueing but before marking the reminder done", async () => {
    const { t, e, box } = await setup();
    for (let i = 0; i < 5; i++) await register(t, e.slug, `p${i}@example.org`);
    await runAt(t, "2026-04-15T16:00:00Z");
    expect(reminders(box)).toHaveLength(5);
    // As a crash would leave it: still claimed, lease over, progress lost.
    await sqlAll(
      t.db,
      sql`UPDATE reminders SET status = 'fanning', claim_id = 'clm_dead', claimed_until = 0, cursor = NULL, done_at = NULL
          WHERE offset_iso = 'P1D'`,
    );
    await runAt(t, "2026-04-15T16:11:00Z");
    expect(reminders(box)).toHaveLength(5);
    const [n] = await sqlAll<{ n: number }>(
      t.db,
      sql`SELECT count(*) AS n FROM outbox WHERE template = 'event.reminder'`,
    );
    expect(Number(n!.n)).toBe(5);
    const [row] = await sqlAll<{ status: string }>(
      t.db,
      sql`SELECT status FROM reminders WHERE offset_iso = 'P1D'`,
    );
    expect(row!.status).toBe("done");
  });
});
