import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { smtpMailer } from "../../src/mail/smtp.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";
import { type SmtpServer, startSmtpServer } from "../support/smtp.js";

let smtp: SmtpServer;
beforeEach(async () => {
  smtp = await startSmtpServer();
});
afterEach(async () => {
  await smtp.close();
});

/** Reminder messages the SMTP server accepted, per recipient, by subject. */
async function receivedReminders() {
  await smtp.settled();
  return smtp.received
    .filter((r) => /^(Reminder|Starting now):/.test(r.parsed.subject ?? ""))
    .map((r) => ({
      to: r.envelopeTo[0]!,
      subject: r.parsed.subject!,
      raw: r.raw,
      messageId: r.parsed.messageId!,
    }));
}

async function runAt(t: TestApp, at: string) {
  t.clock.set(at);
  await runDueWork(t.deps);
}

describe("reminders through a real SMTP server, over a whole event life", () => {
  it("delivers each reminder once per registrant at its moment, across a move over the DST change", async () => {
    const t = await createTestApp();
    t.deps.mailer = smtpMailer(smtp.url);
    const key = await t.key();
    // Friday 30 October 2026, 12:00 in New York (EDT), with all three kinds of reminder.
    const e = await makeEvent(t, key, { startsAt: "2026-10-30T12:00", reminders: ["P1D", "PT1H", "PT0S"] });
    for (const who of ["ada", "bo", "cy"]) {
      expect((await registerFor(t, e.slug, { email: `${who}@example.org` })).status).toBe(202);
    }
    await runAt(t, "2026-10-29T16:00:00Z");
    expect((await receivedReminders()).map((m) => m.to).sort()).toEqual([
      "ada@example.org",
      "bo@example.org",
      "cy@example.org",
    ]);
    const first = (await receivedReminders())[0]!;
    const headers = first.raw.replace(/\r\n[ \t]+/g, " "); // unfolded
    expect(headers).toMatch(
      /^List-Unsubscribe: <https:\/\/events\.example\.org\/r\/[0-9a-z]+\/unsubscribe>/m,
    );
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);

    // Moved to Sunday 1 November 12:00, now EST: the day-before reminder is due again, at 12:00
    // EDT on Saturday (16:00Z), 25 hours before.
    t.clock.set("2026-10-29T18:00:00Z");
    const moved = await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-11-01T12:00" },
    });
    expect(moved.status).toBe(200);
    await runAt(t, "2026-10-31T15:59:00Z");
    expect(await receivedReminders()).toHaveLength(3);
    await runAt(t, "2026-10-31T16:00:00Z");
    await runAt(t, "2026-11-01T16:00:00Z");
    await runAt(t, "2026-11-01T17:01:00Z");
    await runAt(t, "2026-11-01T19:00:00Z");
    const all = await receivedReminders();
    const perPerson = (to: string) => all.filter((m) => m.to === to).map((m) => m.subject);
    expect(perPerson("ada@example.org")).toEqual([
      `Reminder: ${e.title} starts in 1 day`,
      `Reminder: ${e.title} starts in 1 day`,
      `Reminder: ${e.title} starts in 1 hour`,
      `Starting now: ${e.title}`,
    ]);
    expect(all).toHaveLength(12);
    expect(new Set(all.map((m) => m.messageId)).size).toBe(12);
  });

  it("delivers one message per registrant when the run died after queueing, before marking the reminder done", async () => {
    const t = await createTestApp();
    t.deps.mailer = smtpMailer(smtp.url);
    const key = await t.key();
    const e = await makeEvent(t, key, { reminders: ["PT1H"] });
    for (let i = 0; i < 8; i++)
      expect((await registerFor(t, e.slug, { email: `p${i}@example.org` })).status).toBe(202);
    await runAt(t, "2026-04-16T15:00:00Z");
    expect(await receivedReminders()).toHaveLength(8);
    await sqlAll(
      t.db,
      sql`UPDATE reminders SET status = 'fanning', claim_id = 'clm_crashed', claimed_until = 0, cursor = NULL`,
    );
    await runAt(t, "2026-04-16T15:11:00Z");
    await runAt(t, "2026-04-16T15:30:00Z");
    expect(await receivedReminders()).toHaveLength(8);
  });

  it("delivers each reminder once with two due-work runs racing over 60 registrants", async () => {
    const t = await createTestApp();
    t.deps.mailer = smtpMailer(smtp.url);
    const key = await t.key();
    const e = await makeEvent(t, key, { reminders: ["PT1H"], capacity: 100 });
    for (let i = 0; i < 60; i++)
      expect((await registerFor(t, e.slug, { email: `r${i}@example.org` })).status).toBe(202);
    t.clock.set("2026-04-16T15:00:00Z");
    await Promise.all([runDueWork(t.deps), runDueWork(t.deps)]);
    const got = await receivedReminders();
    expect(got).toHaveLength(60);
    expect(new Set(got.map((m) => m.to)).size).toBe(60);
  });
});
