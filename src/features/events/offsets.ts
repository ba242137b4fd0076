import { DateTime, Duration } from "luxon";
import { z } from "zod";

/**
 * Reminder offsets are ISO 8601 durations before the event's start. The rule, documented in the
 * README and the OpenAPI description:
 *
 * - Calendar units (years, months, weeks, days) keep the wall clock in the EVENT'S zone: "P1D"
 *   before 14:00 on Monday is 14:00 on Sunday in that zone, even when a DST change lies between
 *   (so 23 or 25 hours before). If that wall time does not exist (a spring-forward gap), the
 *   instant moves forward by the gap, as luxon and every calendar app do.
 * - Time units (hours, minutes, seconds) are exact: "PT24H" is always 24 hours before.
 * - Mixed durations apply the calendar part first, then the time part ("P1DT2H").
 * - "PT0S" is the "starting now" note, which carries the join link.
 */
export const DEFAULT_REMINDERS = ["P1D", "PT1H"] as const;
export const MAX_REMINDERS = 10;
/** Reminders further ahead than this are not reminders any more. */
export const MAX_LEAD_DAYS = 60;

export function parseOffset(iso: string): Duration | null {
  if (!/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/.test(iso)) return null;
  const d = Duration.fromISO(iso);
  return d.isValid ? d : null;
}

/** The longest span an offset can cover: months of 31 days, years of 366 (luxon's as() uses 30). */
function longestDays(iso: string): number {
  const d = parseOffset(iso);
  if (!d) return 0;
  const time = ((d.hours * 60 + d.minutes) * 60 + d.seconds) / 86_400;
  return d.years * 366 + d.months * 31 + d.weeks * 7 + d.days + time;
}

/** The instant a reminder with this offset is due for an event starting at `startsAt` in `zone`. */
export function dueInstant(startsAt: Date, zone: string, iso: string): Date {
  const d = parseOffset(iso);
  if (!d) throw new Error(`not a reminder offset: ${iso}`);
  // The units as written: shiftTo would turn "PT48H" into days, which follow the wall clock.
  const { years, months, weeks, days, hours, minutes, seconds } = d;
  const local = DateTime.fromJSDate(startsAt, { zone }).minus({ years, months, weeks, days });
  return new Date(local.toMillis() - ((hours * 60 + minutes) * 60 + seconds) * 1000);
}

/** Milliseconds an offset spans before this start (calendar units measured in the zone). */
export function leadMs(startsAt: Date, zone: string, iso: string): number {
  return startsAt.getTime() - dueInstant(startsAt, zone, iso).getTime();
}

/** Plain words for an on-time reminder: "in 1 day", "in 2 hours", "now". */
export function offsetWords(iso: string): string {
  const d = parseOffset(iso);
  if (!d || d.toMillis() === 0) return "now";
  const words = Object.entries(d.toObject() as Record<string, number>)
    .filter(([, n]) => n > 0)
    .map(([unit, n]) => `${n} ${n === 1 ? unit.slice(0, -1) : unit}`);
  return `in ${words.join(" ")}`;
}

export const ReminderOffsets = z
  .array(
    z
      .string()
      .max(40)
      .refine((v) => parseOffset(v) !== null, "must be an ISO 8601 duration such as P1D, PT1H or PT0S")
      .refine(
        (v) => longestDays(v) <= MAX_LEAD_DAYS,
        `must be at most ${MAX_LEAD_DAYS} days before the start`,
      ),
  )
  .max(MAX_REMINDERS)
  .refine((list) => new Set(list).size === list.length, "must not repeat an offset")
  .describe(
    "Reminder offsets before the start, ISO 8601 durations. Days, weeks, months keep the local " +
      "time in the event's zone (P1D: same wall time the day before, across DST); hours, minutes " +
      'and seconds are exact (PT24H: 24 hours). "PT0S" is the "starting now" note with the join link.',
  );
