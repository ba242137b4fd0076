import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { sqlBatch } from "../../src/db/batch.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, type TestApp } from "./app.js";
import { makeEvent } from "./events.js";
import { type Mailbox, mailbox } from "./mailbox.js";
import { registerWithLink } from "./registrations.js";

// makeEvent's default: Thursday 2026-04-16 12:00 in New York (EDT) = 16:00Z, one hour long,
// with the default reminders P1D and PT1H.
export async function setup(overrides: Record<string, unknown> = {}, now = "2026-01-15T12:00:00Z") {
  const box = mailbox();
  const t = await createTestApp({ now, deps: { mailer: box.mailer } });
  const key = await t.key();
  const e = await makeEvent(t, key, overrides);
  return { t, key, e, box };
}

export const reminders = (box: Mailbox) =>
  box.messages.filter((m) => /^(Reminder|Starting now):/.test(m.subject));
export const remindersTo = (box: Mailbox, to: string) => reminders(box).filter((m) => m.to === to);

export async function runAt(t: TestApp, at: string) {
  t.clock.set(at);
  return runDueWork(t.deps);
}

export async function register(t: TestApp, slug: string, email: string) {
  return registerWithLink(t, slug, email, { name: email.split("@")[0] });
}

export const plan = async (t: TestApp, key: string, slug: string) => {
  const res = await t.request("GET", `/api/v1/events/${slug}/reminders`, { key });
  expect(res.status).toBe(200);
  return res.body as { reminders: any[]; optedOut: number; offsets: string[] };
};

/** `n` confirmed registrants of an event, written in two statements (too many for the API). */
export async function registrants(t: TestApp, eventId: string, n: number, prefix: string) {
  const at = Date.parse("2026-02-01T12:00:00Z");
  await sqlBatch(t.db, [
    sql`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
        INSERT INTO attendees (id, email, name, created_at, updated_at)
        SELECT printf('att_${sql.raw(prefix)}_%06d', i), printf('${sql.raw(prefix)}-%d@example.org', i), 'Attendee', ${at}, ${at} FROM k`,
    sql`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
        INSERT INTO registrations (id, event_id, attendee_id, status, answers, consent_at, created_at, updated_at, confirmed_at)
        SELECT printf('reg_${sql.raw(prefix)}_%06d', i), ${eventId}, printf('att_${sql.raw(prefix)}_%06d', i), 'confirmed', '{}',
               ${at}, ${at}, ${at}, ${at} FROM k`,
  ]);
}
