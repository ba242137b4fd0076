import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { outbox } from "../../src/db/schema.js";
import type { MailMessage } from "../../src/deps.js";
import { dueInstant } from "../../src/features/events/offsets.js";
import { STARTING_NOW_GRACE_MS } from "../../src/features/reminders/fanout.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp } from "./app.js";
import { makeEvent } from "./events.js";
import { mailbox } from "./mailbox.js";
import { manageLinkFor } from "./registrations.js";
import { DURATION_MIN, HOUR, MINUTE, type Scenario, ZONES, type Zone } from "./reminder-arbitraries.js";

export { scenarioArb } from "./reminder-arbitraries.js";
export const iso = (ms: number) => new Date(ms).toISOString();
export const keyOf = (email: string, offset: string, due: number) => `${email} ${offset} due ${iso(due)}`;
/** The dedupe key of a reminder: reg:<registration>:reminder:<offset>:<due instant in ms>. */
export const REMINDER_KEY = /^reg:([^:]+):reminder:([^:]+):(\d+)$/;

export interface Plan {
  offset: string;
  due: number;
  plannedAt: number;
  /** The first run at or after `due` (while published with this plan) has happened. */
  handled: boolean;
}

export interface Registrant {
  email: string;
  token: string;
  confirmedAt: number;
  cancelled: boolean;
}

export async function runScenario(s: Scenario) {
  const box = mailbox();
  const clockStart = new Date(s.anchor.at).getTime() - 2 * 24 * HOUR;
  const t = await createTestApp({ now: iso(clockStart), deps: { mailer: box.mailer } });
  const key = await t.key(["events:write", "registrations:write"]);
  const event = await makeEvent(t, key, {
    startsAt: iso(clockStart + s.leadMinutes * MINUTE),
    timeZone: s.anchor.zone,
    durationMinutes: DURATION_MIN,
    reminders: s.reminders,
  });
  expect(event.status).toBe("published");

  // The model: what happened, and what it means for who must get which reminder.
  const model = {
    now: clockStart,
    status: "published" as "published" | "cancelled",
    start: clockStart + s.leadMinutes * MINUTE,
    zone: s.anchor.zone as Zone,
    plans: new Map<string, Plan>(),
    registrants: [] as Registrant[],
    expected: new Set<string>(),
  };
  const replan = () => {
    for (const offset of s.reminders) {
      const due = dueInstant(new Date(model.start), model.zone, offset).getTime();
      // A reminder whose due instant did not move keeps its state (what was sent stays sent).
      if (model.plans.get(offset)?.due !== due) {
        model.plans.set(offset, { offset, due, plannedAt: model.now, handled: false });
      }
    }
  };
  const lastMoment = (offset: string) =>
    offset === "PT0S"
      ? Math.min(model.start + STARTING_NOW_GRACE_MS, model.start + DURATION_MIN * MINUTE)
      : model.start;
  const modelRun = (at: number) => {
    if (model.status !== "published") return;
    for (const p of model.plans.values()) {
      if (p.handled || p.due > at) continue;
      p.handled = true;
      if (p.due <= p.plannedAt) continue; // already past when planned: recorded as skipped
      if (at >= lastMoment(p.offset)) continue; // nobody ran between its moment and the start
      for (const r of model.registrants) {
        if (!r.cancelled && r.confirmedAt <= p.due) model.expected.add(keyOf(r.email, p.offset, p.due));
      }
    }
  };
  replan();

  // Every reminder delivered, checked against the model as it stands at delivery.
  const delivered = new Map<string, number>();
  const failed = new Set<string>();
  const violations: string[] = [];
  const send = box.mailer.send;
  box.mailer.send = async (m: MailMessage) => {
    const match = REMINDER_KEY.exec(m.idempotencyKey ?? "");
    if (!match) return send(m);
    const offset = match[2]!;
    const due = Number(match[3]);
    const k = keyOf(m.to, offset, due);
    try {
      await send(m);
    } catch (err) {
      failed.add(k);
      throw err;
    }
    const at = t.clock.now().getTime();
    const where = `${k}, delivered ${iso(at)}, start then ${iso(model.start)} (${model.zone}), event ${model.status}`;
    if (model.status !== "published") violations.push(`while the event was cancelled: ${where}`);
    if (at >= lastMoment(offset)) violations.push(`at or after the start: ${where}`);
    if (at < due) violations.push(`before its moment: ${where}`);
    if (model.plans.get(offset)?.due !== due)
      violations.push(`for a due instant no longer in force: ${where}`);
    const person = model.registrants.find((r) => r.email === m.to);
    // (Not checked: confirmed_at <= due at delivery. Someone who cancels and registers again after
    // the moment still gets a message queued before; the send-time checks allow that.)
    if (!person || person.cancelled) violations.push(`to someone not registered: ${where}`);
    if (delivered.has(k)) violations.push(`twice: ${where}`);
    const prefix = offset === "PT0S" ? "Starting now: " : "Reminder: ";
    if (!m.subject.startsWith(prefix)) violations.push(`subject ${JSON.stringify(m.subject)}: ${where}`);
    delivered.set(k, (delivered.get(k) ?? 0) + 1);
  };

  const run = async (concurrent: boolean) => {
    const at = t.clock.now();
    await Promise.all(Array.from({ length: concurrent ? 2 : 1 }, () => runDueWork(t.deps, at)));
    modelRun(at.getTime());
    expect(violations).toEqual([]);
  };
  const moveClockTo = (ms: number) => {
    if (ms <= model.now) return; // time only moves forward
    model.now = ms;
    t.clock.set(iso(ms));
  };
  const register = async (email: string) => {
    const res = await t.request("POST", `/api/v1/events/${event.slug}/registrations`, {
      body: { name: `Person ${email}`, email, consent: true },
    });
    if (model.status === "cancelled") {
      expect(res.body.type).toBe("/problems/event-cancelled");
      return null;
    }
    if (model.now >= model.start + DURATION_MIN * MINUTE) {
      expect(res.body.type).toBe("/problems/event-past");
      return null;
    }
    expect(res.status).toBe(202);
    expect(res.body.newRegistration).toBe("confirmed");
    return manageLinkFor(t, event.slug, email);
  };
  const pick = (cancelled: boolean, n: number) => {
    const some = model.registrants.filter((r) => r.cancelled === cancelled);
    return some.length ? some[n % some.length] : undefined;
  };

  const newcomer = async () => {
    const email = `p${model.registrants.length + 1}@example.org`;
    const token = await register(email);
    if (token) model.registrants.push({ email, token, confirmedAt: model.now, cancelled: false });
  };
  for (let i = 0; i < s.early; i++) await newcomer();
  for (const step of s.steps) {
    switch (step.kind) {
      case "register":
        await newcomer();
        break;
      case "cancelRegistration": {
        const r = pick(false, step.pick);
        if (!r) break;
        const res = await t.request("POST", `/api/v1/registrations/${r.token}/cancel`);
        expect(res.status).toBe(200);
        expect(res.body.status).toBe("cancelled");
        r.cancelled = true;
        break;
      }
      case "registerAgain": {
        const r = pick(true, step.pick);
        if (!r) break;
        // Registering the same address again changes nothing: the person comes back from the
        // manage link in their email.
        const res = await t.request("POST", `/r/${r.token}/rejoin`, {
          headers: { origin: "https://events.example.org" },
        });
        if (model.status === "cancelled" || model.now >= model.start + DURATION_MIN * MINUTE) {
          expect(res.status).toBe(409);
          break;
        }
        expect(res.status).toBe(303);
        Object.assign(r, { confirmedAt: model.now, cancelled: false });
        break;
      }
      case "reschedule": {
        const from = step.from === "start" ? Math.max(model.start, model.now) : model.now;
        const start = from + step.minutes * MINUTE;
        const zone = step.otherZone ? ZONES.find((z) => z !== model.zone)! : model.zone;
        const res = await t.request("POST", `/api/v1/events/${event.slug}/reschedule`, {
          key,
          body: { startsAt: iso(start), ...(step.otherZone ? { timeZone: zone } : {}) },
        });
        if (model.status === "cancelled") {
          expect(res.status).toBe(409);
          break;
        }
        expect(res.status).toBe(200);
        expect(res.body.startsAt).toBe(iso(start).replace(".000Z", "Z"));
        model.start = start;
        model.zone = zone;
        replan();
        break;
      }
      case "cancelEvent": {
        const res = await t.request("POST", `/api/v1/events/${event.slug}/cancel`, { key });
        expect(res.status).toBe(model.status === "cancelled" ? 409 : 200);
        model.status = "cancelled";
        break;
      }
      case "jump":
        moveClockTo(model.now + step.minutes * MINUTE);
        if (step.andRun) await run(false);
        break;
      case "jumpNear": {
        const targets = [...[...model.plans.values()].map((p) => p.due), model.start];
        moveClockTo(targets[step.target % targets.length]! + step.minutes * MINUTE);
        if (step.andRun) await run(false);
        break;
      }
      case "run":
        await run(step.concurrent);
        break;
      case "mailer":
        box.failWith = step.down ? "provider down: 503" : null;
        break;
    }
  }
  // A final drain at the time reached (the mailer back up), then the whole account.
  box.failWith = null;
  await run(false);
  const missing = [...model.expected].filter((k) => !delivered.has(k) && !failed.has(k));
  const extra = [...delivered.keys()].filter((k) => !model.expected.has(k));
  expect({ missing, extra }).toEqual({ missing: [], extra: [] });
  const rows = await t.db.select().from(outbox).where(eq(outbox.template, "event.reminder"));
  const reallySent = rows.filter((r) => r.status === "sent" && !r.lastError?.startsWith("skipped:"));
  expect(reallySent).toHaveLength(delivered.size);
  expect(new Set(box.messages.map((m) => m.messageId)).size).toBe(box.messages.length);
}
