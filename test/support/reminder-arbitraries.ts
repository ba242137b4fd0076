import fc from "fast-check";
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

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DURATION_MIN = 60;
export const ZONES = ["America/New_York", "Europe/Kyiv"] as const;
export type Zone = (typeof ZONES)[number];

/** Clock changes to cross: the clock starts two days before one of them. */
export const ANCHORS: { zone: Zone; at: string }[] = [
  { zone: "America/New_York", at: "2026-03-08T07:00:00Z" }, // spring forward
  { zone: "America/New_York", at: "2026-11-01T06:00:00Z" }, // fall back
  { zone: "Europe/Kyiv", at: "2026-03-29T01:00:00Z" },
  { zone: "Europe/Kyiv", at: "2026-10-25T01:00:00Z" },
];

export type Step =
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

export const often = (p: number) =>
  fc.oneof({ weight: p, arbitrary: fc.constant(true) }, { weight: 4 - p, arbitrary: fc.constant(false) });

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
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

export const scenarioArb = fc.record({
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

export type Scenario = {
  anchor: { zone: Zone; at: string };
  reminders: string[];
  leadMinutes: number;
  early: number;
  steps: Step[];
};
