import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken, type Mailbox, mailbox } from "../support/mailbox.js";
import { registerFor } from "../support/registrations.js";

// makeEvent's default: Thursday 2026-04-16 12:00 in New York (EDT) = 16:00Z, one hour long,
// with the default reminders P1D and PT1H.
async function setup(overrides: Record<string, unknown> = {}, now = "2026-01-15T12:00:00Z") {
  const box = mailbox();
  const t = await createTestApp({ now, deps: { mailer: box.mailer } });
  const key = await t.key();
  const e = await makeEvent(t, key, overrides);
  return { t, key, e, box };
}

const reminders = (box: Mailbox) => box.messages.filter((m) => /^(Reminder|Starting now):/.test(m.subject));
const remindersTo = (box: Mailbox, to: string) => reminders(box).filter((m) => m.to === to);

async function runAt(t: TestApp, at: string) {
  t.clock.set(at);
  return runDueWork(t.deps);
}

async function register(t: TestApp, slug: string, email: string) {
  const res = await registerFor(t, slug, { email, name: email.split("@")[0] });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${res.text}`);
  return { ...res.body, token: linkToken(res.body.manageUrl, "r")! };
}

const plan = async (t: TestApp, key: string, slug: string) => {
  const res = await t.request("GET", `/api/v1/events/${slug}/reminders`, { key });
  expect(res.status).toBe(200);
  return res.body as { reminders: any[]; optedOut: number; offsets: string[] };
};

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
    expect(day!.text).toContain(
      "Thursday, April 16, 2026, 12:00 PM – 1:00 PM (America/New_York time, UTC-04:00)",
    );
    expect(day!.text).toContain("Thursday, April 16, 2026, 16:00 – 17:00 UTC");
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
    expect(day.text).toContain(
      "Sunday, March 8, 2026, 12:00 PM – 1:00 PM (America/New_York time, UTC-04:00)",
    );
    expect(day.text).toContain("16:00 – 17:00 UTC");
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
    expect(again.text).toContain(
      "Sunday, November 1, 2026, 12:00 PM – 1:00 PM (America/New_York time, UTC-05:00)",
    );
    expect(again.text).toContain("17:00 – 18:00 UTC");
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
    expect(reminders(box)[0]!.text).toContain("12:00 PM – 1:00 PM (Europe/Kyiv time, UTC+03:00)");
    expect(reminders(box)[0]!.text).toContain("09:00 – 10:00 UTC");
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
