import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { outbox } from "../../src/db/schema.js";
import type { MailMessage } from "../../src/deps.js";
import { dueInstant } from "../../src/features/events/offsets.js";
import { STARTING_NOW_GRACE_MS } from "../../src/features/reminders/fanout.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { mailbox } from "../support/mailbox.js";

/**
 * Random schedules of registrations, cancellations, moves, clock jumps, mail outages and due-work
 * runs against the real app, checked against a small model of what ought to reach whom:
 *
 * 1. no reminder is delivered at or after the start in force at delivery (the "starting now"
 *    note may go up to 10 minutes after it), nor before its own moment, nor for a due instant
 *    that is no longer the one in force, nor to someone not confirmed at delivery;
 * 2. none while the event is cancelled;
 * 3. none twice for the same registration, offset and due instant;
 * 4. none missing and none extra. A reminder moment (offset, due instant d under the start in
 *    force) that was still ahead when it was planned is handled by the first run at or after d
 *    while the event is published with that start. If that run comes before the start (or the
 *    end of the "starting now" grace), everyone confirmed at d (confirmed_at <= d) and still
 *    confirmed at that run gets exactly one message for it; otherwise nobody does. The only
 *    excuse for a missing one is that the mailer failed when it was tried (an outage step):
 *    what happens after that is left to the send-time checks, which properties 1 to 3 watch.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DURATION_MIN = 60;
const ZONES = ["America/New_York", "Europe/Kyiv"] as const;
type Zone = (typeof ZONES)[number];

/** Clock changes to cross: the clock starts two days before one of them. */
const ANCHORS: { zone: Zone; at: string }[] = [
  { zone: "America/New_York", at: "2026-03-08T07:00:00Z" }, // spring forward
  { zone: "America/New_York", at: "2026-11-01T06:00:00Z" }, // fall back
  { zone: "Europe/Kyiv", at: "2026-03-29T01:00:00Z" },
  { zone: "Europe/Kyiv", at: "2026-10-25T01:00:00Z" },
];

type Step =
  | { kind: "register" }
  /** The `pick`-th person still confirmed cancels with their manage link. */
  | { kind: "cancelRegistration"; pick: number }
  /** The `pick`-th person who cancelled registers again (a fresh confirmed_at). */
  | { kind: "registerAgain"; pick: number }
  /** To `minutes` after now, or after the current start (a postponement) if that is still ahead. */
  | { kind: "reschedule"; from: "now" | "start"; minutes: number; otherZone: boolean }
  | { kind: "cancelEvent" }
  | { kind: "jump"; minutes: number; andRun: boolean }
  /** To a due instant of the plan in force (or its start, the last target) plus some minutes. */
  | { kind: "jumpNear"; target: number; minutes: number; andRun: boolean }
  | { kind: "run"; concurrent: boolean }
  | { kind: "mailer"; down: boolean };

const often = (p: number) =>
  fc.oneof({ weight: p, arbitrary: fc.constant(true) }, { weight: 4 - p, arbitrary: fc.constant(false) });

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Step>({ kind: "register" }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("cancelRegistration" as const), pick: fc.nat(20) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("registerAgain" as const), pick: fc.nat(20) }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("reschedule" as const),
      from: fc.constantFrom("now" as const, "start" as const),
      minutes: fc.oneof(fc.integer({ min: 5, max: 180 }), fc.integer({ min: 180, max: 3 * 24 * 60 })),
      otherZone: often(1),
    }),
  },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: "cancelEvent" }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant("jump" as const),
      minutes: fc.oneof(
        { weight: 2, arbitrary: fc.integer({ min: 1, max: 30 }) },
        { weight: 1, arbitrary: fc.integer({ min: 60, max: 24 * 60 }) },
      ),
      andRun: fc.boolean(),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("jumpNear" as const),
      target: fc.nat(3),
      minutes: fc.integer({ min: -2, max: 12 }),
      andRun: often(3),
    }),
  },
  { weight: 10, arbitrary: fc.record({ kind: fc.constant("run" as const), concurrent: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("mailer" as const), down: fc.boolean() }) },
);

const scenarioArb = fc.record({
  anchor: fc.constantFrom(...ANCHORS),
  reminders: fc.oneof(
    fc.constant<string[]>(["P1D", "PT1H", "PT0S"]),
    fc.subarray(["P1D", "PT24H", "PT1H", "PT0S"], { minLength: 1 }),
  ),
  /** Minutes from the clock's start to the event's first start. */
  leadMinutes: fc.oneof(fc.integer({ min: 5, max: 180 }), fc.integer({ min: 180, max: 4 * 24 * 60 })),
  /** People registered right after publishing, before the steps. */
  early: fc.integer({ min: 1, max: 3 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 15 }),
});

type Scenario = {
  anchor: { zone: Zone; at: string };
  reminders: string[];
  leadMinutes: number;
  early: number;
  steps: Step[];
};

const iso = (ms: number) => new Date(ms).toISOString();
const keyOf = (email: string, offset: string, due: number) => `${email} ${offset} due ${iso(due)}`;
/** The dedupe key of a reminder: reg:<registration>:reminder:<offset>:<due instant in ms>. */
const REMINDER_KEY = /^reg:([^:]+):reminder:([^:]+):(\d+)$/;

interface Plan {
  offset: string;
  due: number;
  plannedAt: number;
  /** The first run at or after `due` (while published with this plan) has happened. */
  handled: boolean;
}

interface Registrant {
  email: string;
  token: string;
  confirmedAt: number;
  cancelled: boolean;
}

async function runScenario(s: Scenario) {
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
    expect(res.status).toBe(201);
    expect(res.body.status).toBe("confirmed");
    return String(res.body.manageUrl).split("/r/")[1]!;
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
        const token = await register(r.email);
        if (token) Object.assign(r, { token, confirmedAt: model.now, cancelled: false });
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

describe(`reminders under random schedules (${engine})`, () => {
  it("are sent on time, once, to the right people, and never after the start or a cancellation", {
    timeout: 120_000,
  }, async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: 25 });
  });
});
