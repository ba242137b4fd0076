import { DateTime, IANAZone } from "luxon";
import { invalidField } from "./problem.js";

/** Local wall time without offset: 2025-04-16T12:00 or 2025-04-16T12:00:30. */
const LOCAL_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
/** An instant: local form followed by Z or ±hh:mm (fractions of a second allowed). */
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

export function isValidTimeZone(name: string): boolean {
  return IANAZone.isValidZone(name);
}

/**
 * Turns what staff typed into a UTC instant. A value with an offset is an instant and is
 * taken as is. A local wall time is read in `zone`; if that wall time does not exist
 * (spring-forward gap) or happens twice (fall-back overlap) we refuse it rather than guess,
 * because a guess an hour off is exactly the bug calendar users remember.
 */
export function resolveTime(field: string, value: string, zone: string): Date {
  if (INSTANT_RE.test(value)) {
    const dt = DateTime.fromISO(value, { setZone: true });
    if (!dt.isValid) throw invalidField(field, `"${value}" is not a valid date-time`);
    return dt.toJSDate();
  }
  if (!LOCAL_RE.test(value)) {
    throw invalidField(
      field,
      `expected a local date-time like 2025-04-16T12:00 (read in timeZone) or an instant with an offset like 2025-04-16T16:00:00Z`,
    );
  }
  const dt = DateTime.fromISO(value, { zone });
  if (!dt.isValid) throw invalidField(field, `"${value}" is not a valid date-time`);
  const wall = value.length === 16 ? `${value}:00` : value;
  if (dt.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== wall) {
    throw invalidField(
      field,
      `${value} does not exist in ${zone}: the clocks skip it for daylight saving time. Choose another time or give an offset.`,
      "nonexistent-local-time",
    );
  }
  const possible = dt.getPossibleOffsets();
  if (possible.length > 1) {
    const offsets = possible.map((p) => p.toFormat("ZZ")).join(" or ");
    throw invalidField(
      field,
      `${value} happens twice in ${zone} (UTC${offsets}) when daylight saving time ends. Give an offset, e.g. ${value}${possible[0]!.toFormat("ZZ")}.`,
      "ambiguous-local-time",
    );
  }
  return dt.toJSDate();
}

export interface LocalView {
  /** Wall time in the event's zone, without offset: 2025-04-16T12:00:00 */
  local: string;
  /** UTC offset in force at that instant: -04:00 */
  offset: string;
}

export function localView(at: Date, zone: string): LocalView {
  const dt = DateTime.fromJSDate(at, { zone });
  return { local: dt.toFormat("yyyy-MM-dd'T'HH:mm:ss"), offset: dt.toFormat("ZZ") };
}

/** ISO 8601 UTC with a Z and no milliseconds, the form every API response uses. */
/** The range of a JavaScript Date: a decoded number outside it must never reach a query. */
export const MAX_INSTANT_MS = 8.64e15;
export const isInstantMs = (n: unknown): n is number =>
  typeof n === "number" && Number.isSafeInteger(n) && Math.abs(n) <= MAX_INSTANT_MS;

export function isoUtc(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}
