import { tzlib_get_ical_block, tzlib_get_timezones } from "timezones-ical-library";

/**
 * VTIMEZONE blocks from timezones-ical-library (pure JS data, so it works in workerd where
 * zone packages that read the filesystem fail), plus an evaluator of the block's own rules.
 * The evaluator lets the builder check, per event, that a calendar app reading
 * `DTSTART;TZID=...` with this VTIMEZONE lands on the same instant luxon computed: the blocks
 * carry only a zone's current rules (since 1970), and the library's tz data and the runtime's
 * ICU data can disagree when a country changes its rules.
 */
export interface VTimezone {
  /** The TZID the block declares: the canonical name, e.g. Europe/Kyiv for Europe/Kiev. */
  tzid: string;
  /** BEGIN:VTIMEZONE ... END:VTIMEZONE, CRLF between lines, no trailing CRLF. */
  block: string;
  /** UTC offset in minutes the block's rules give at a UTC instant. */
  offsetAt(ms: number): number;
  /** Offsets (minutes) under which a wall time (given as if it were UTC) exists: 1 normal, 2 overlap, 0 gap. */
  readingsOf(wallMs: number): number[];
}

interface Observance {
  from: number;
  to: number;
  month: number; // 1-12, from the RRULE (or DTSTART when there is no rule)
  nth: number; // BYDAY ordinal: 1 = first, -1 = last
  weekday: number; // 0 = Sunday
  minuteOfDay: number; // local wall time of the change, in the offset before it
  yearly: boolean;
}

const WEEKDAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"];
const MINUTE = 60_000;

const parseOffset = (v: string | undefined): number | null => {
  const m = /^([+-])(\d{2})(\d{2})(\d{2})?$/.exec(v ?? "");
  if (!m) return null;
  const minutes = Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60;
  return m[1] === "-" ? -minutes : minutes;
};

function parseBlock(block: string): Observance[] | null {
  const out: Observance[] = [];
  let cur: Record<string, string> | null = null;
  for (const line of block.split("\r\n")) {
    if (line === "BEGIN:STANDARD" || line === "BEGIN:DAYLIGHT") cur = {};
    else if (line === "END:STANDARD" || line === "END:DAYLIGHT") {
      if (!cur) return null;
      const from = parseOffset(cur.TZOFFSETFROM);
      const to = parseOffset(cur.TZOFFSETTO);
      const start = /^\d{4}(\d{2})(\d{2})T(\d{2})(\d{2})\d{2}$/.exec(cur.DTSTART ?? "");
      if (from === null || to === null || !start) return null;
      const rule = cur.RRULE;
      const byDay = /^FREQ=YEARLY;BYMONTH=(\d{1,2});BYDAY=(-?\d)(SU|MO|TU|WE|TH|FR|SA)$/.exec(rule ?? "");
      if (rule && !byDay) return null; // a rule shape we do not evaluate: the caller falls back to UTC
      out.push({
        from,
        to,
        month: Number(byDay ? byDay[1] : start[1]),
        nth: byDay ? Number(byDay[2]) : 0,
        weekday: byDay ? WEEKDAYS.indexOf(byDay[3]!) : 0,
        minuteOfDay: Number(start[3]) * 60 + Number(start[4]),
        yearly: Boolean(byDay),
      });
      cur = null;
    } else if (cur) {
      const i = line.indexOf(":");
      if (i > 0) cur[line.slice(0, i)] = line.slice(i + 1);
    }
  }
  return out.length > 0 ? out : null;
}

/** The UTC instant at which an observance begins in a given year. */
function onsetIn(o: Observance, year: number): number {
  let day: number;
  if (o.nth > 0) {
    const first = new Date(Date.UTC(year, o.month - 1, 1)).getUTCDay();
    day = 1 + ((o.weekday - first + 7) % 7) + (o.nth - 1) * 7;
  } else {
    const lastDate = new Date(Date.UTC(year, o.month, 0)).getUTCDate();
    const last = new Date(Date.UTC(year, o.month - 1, lastDate)).getUTCDay();
    day = lastDate - ((last - o.weekday + 7) % 7) + (o.nth + 1) * 7;
  }
  return Date.UTC(year, o.month - 1, day) + (o.minuteOfDay - o.from) * MINUTE;
}

function evaluator(observances: Observance[]) {
  const fixed = observances.length === 1 && !observances[0]!.yearly;
  if (!fixed && !observances.every((o) => o.yearly)) return null;
  const offsetAt = (ms: number): number => {
    if (fixed) return observances[0]!.to;
    const year = new Date(ms).getUTCFullYear();
    let best: { at: number; to: number } | null = null;
    for (const y of [year - 1, year, year + 1]) {
      for (const o of observances) {
        const at = onsetIn(o, y);
        if (at <= ms && (!best || at > best.at)) best = { at, to: o.to };
      }
    }
    return best ? best.to : observances[0]!.from;
  };
  const candidates = [...new Set(observances.flatMap((o) => [o.from, o.to]))];
  const readingsOf = (wallMs: number) => candidates.filter((off) => offsetAt(wallMs - off * MINUTE) === off);
  return { offsetAt, readingsOf };
}

let known: Set<string> | undefined;
const memo = new Map<string, VTimezone | null>();

/** The VTIMEZONE for an IANA zone, or null when the library lacks it or its rules are not evaluable. */
export function vtimezone(zone: string): VTimezone | null {
  const hit = memo.get(zone);
  if (hit !== undefined) return hit;
  known ??= new Set(tzlib_get_timezones() as string[]);
  let result: VTimezone | null = null;
  if (known.has(zone)) {
    const [block, tzidLine] = tzlib_get_ical_block(zone) as string[];
    const observances = block ? parseBlock(block) : null;
    const evaluate = observances ? evaluator(observances) : null;
    const tzid = tzidLine?.replace(/^TZID=/, "");
    if (block && evaluate && tzid && /^[A-Za-z0-9_+\-/]+$/.test(tzid)) result = { tzid, block, ...evaluate };
  }
  memo.set(zone, result);
  return result;
}
