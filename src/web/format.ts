import { DateTime } from "luxon";

/**
 * Dates for people: always in the event's own zone, with the offset spelled out, because an
 * attendee abroad needs the number to convert from and "EDT" alone means nothing to many.
 */
const MINUS = "\u2212";

/** "−04:00" with a real minus sign, as typeset text wants it. */
function utcOffset(dt: DateTime): string {
  return `UTC${dt.toFormat("ZZ").replace("-", MINUS)}`;
}

/**
 * A short zone name people recognise: EDT (US English), BST or CEST (British English); where
 * neither locale has one (ICU then says "GMT+9"), the zone's city: "Tokyo time".
 */
function zoneName(dt: DateTime): string {
  for (const locale of ["en-US", "en-GB"]) {
    const name = dt.setLocale(locale).offsetNameShort;
    if (name && !/^GMT[+-]/.test(name)) return name;
  }
  const city = (dt.zoneName ?? "").split("/").at(-1)?.replace(/_/g, " ");
  return city ? `${city} time` : "local time";
}

const DAY = "cccc d LLLL yyyy";

/** "Thursday 16 April 2026, 12:00–13:00", or with both days when it ends on another. */
function span(start: Date, end: Date, zone: string): { s: DateTime; text: string } {
  const s = DateTime.fromJSDate(start, { zone }).setLocale("en-GB");
  const e = DateTime.fromJSDate(end, { zone }).setLocale("en-GB");
  const sameDay = s.toISODate() === e.toISODate();
  const endText = sameDay ? e.toFormat("HH:mm") : `${e.toFormat(DAY)}, ${e.toFormat("HH:mm")}`;
  const sep = sameDay ? "\u2013" : " \u2013 ";
  return { s, text: `${s.toFormat(DAY)}, ${s.toFormat("HH:mm")}${sep}${endText}` };
}

/**
 * "Thursday 16 April 2026, 12:00–13:00 EDT (UTC−04:00)": the one way an event's time is
 * written for people, on pages and in mail alike (test/mail/same-time.test.ts holds them together).
 */
export function formatRange(start: Date, end: Date, zone: string): string {
  const { s, text } = span(start, end, zone);
  return `${text} ${zoneName(s)} (${utcOffset(s)})`;
}

/** "Thursday 16 April 2026, 16:00–17:00 UTC": the same range in UTC, for mail read in any zone. */
export function formatUtcRange(start: Date, end: Date): string {
  return `${span(start, end, "UTC").text} UTC`;
}

/** "Monday 2 March 2026, 09:00 EST (UTC−05:00)" */
export function formatInstant(at: Date, zone: string): string {
  const dt = DateTime.fromJSDate(at, { zone }).setLocale("en-GB");
  return `${dt.toFormat(DAY)}, ${dt.toFormat("HH:mm")} ${zoneName(dt)} (${utcOffset(dt)})`;
}

/** ISO 8601 with the zone's offset, for <time datetime> and JSON-LD. */
export function isoInZone(at: Date, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).toISO({ suppressMilliseconds: true }) ?? at.toISOString();
}

/** "in 45 minutes", "in 3 hours", "in 2 days": coarse on purpose, the page shows the exact time too. */
export function startsIn(now: Date, start: Date): string {
  const minutes = Math.max(1, Math.ceil((start.getTime() - now.getTime()) / 60_000));
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes < 120) return `in ${plural(minutes, "minute")}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `in ${plural(hours, "hour")}`;
  return `in ${plural(Math.floor(hours / 24), "day")}`;
}

export const FORMAT_LABEL = {
  virtual: "Online",
  in_person: "In person",
  hybrid: "In person and online",
} as const;
