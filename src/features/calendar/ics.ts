import ical, {
  escape as escapeText,
  ICalAlarmType,
  ICalAttendeeRole,
  type ICalAttendeeStatus,
  ICalCalendarMethod,
  ICalEventStatus,
  ICalEventTransparency,
} from "ical-generator";
import { DateTime, IANAZone } from "luxon";
import type { EventRow, Relations } from "../events/index.js";
import {
  type CalendarConfig,
  cleanParam,
  cleanText,
  entryView,
  eventPageUrl,
  organizerEmailOf,
  uidOf,
} from "./content.js";
import { foldLines } from "./fold.js";
import { vtimezone } from "./vtimezone.js";

export type CalendarMethod = "PUBLISH" | "REQUEST" | "CANCEL";
export type PartStat = "NEEDS-ACTION" | "ACCEPTED" | "DECLINED" | "TENTATIVE";

export interface CalendarAttendee {
  email: string;
  name?: string | null;
  /** Default ACCEPTED: registering is saying yes. */
  partstat?: PartStat;
  /** Default false: nobody reads iMIP replies, so calendars should not offer to send one. */
  rsvp?: boolean;
}

export interface CalendarEntry {
  row: EventRow;
  rel: Relations;
  /** Replaces the computed LOCATION. */
  location?: string;
  attendee?: CalendarAttendee;
  /** The attendee's own join link: only in their own invitation or feed. */
  personalJoinUrl?: string;
  /** A waitlisted registration: STATUS:TENTATIVE, "Waitlist:" in the summary. */
  waitlisted?: boolean;
  /** DTSTAMP/LAST-MODIFIED when something newer than the event changed the entry (a registration). */
  stamp?: Date;
  /** VALARMs, minutes before the start; only where the attendee's own data asks for them. */
  alarmMinutesBefore?: number[];
}

export interface CalendarInput {
  name: string;
  description?: string;
  method?: CalendarMethod;
  events: CalendarEntry[];
  config: CalendarConfig;
  /** X-WR-TIMEZONE; default the first event's zone, else DEFAULT_TIME_ZONE. */
  timeZone?: string;
  /** Subscriptions: REFRESH-INTERVAL and X-PUBLISHED-TTL. */
  refreshMinutes?: number;
  /** TRANSP:TRANSPARENT, so a subscribed public feed does not fill the subscriber's free/busy. */
  transparent?: boolean;
  /** ORGANIZER address; default events@<host of PUBLIC_URL>. */
  organizerEmail?: string;
}

/** Raise whenever the same data would give other bytes, so that cached validators change too. */
export const ICS_RENDER_VERSION = 1;

interface Placed {
  tzid: string | null;
  start: DateTime;
  end: DateTime;
}

/**
 * Start and end as wall times in the event's zone with its TZID, when a calendar app reading
 * them with our VTIMEZONE gets back exactly these instants: under the block's rules the wall
 * time must exist exactly once (not in a DST gap or overlap) with the offset luxon (the
 * runtime's tz data, which made the instant) gives. Otherwise both are written in UTC, which
 * is always exact.
 */
function place(row: EventRow): Placed {
  const utc = { tzid: null, start: toUtc(row.startsAt), end: toUtc(row.endsAt) };
  const vtz = vtimezone(row.timeZone);
  const zone = vtz ? IANAZone.create(vtz.tzid) : null; // cached by luxon
  if (!vtz || !zone?.isValid) return utc;
  const start = DateTime.fromJSDate(row.startsAt, { zone });
  const end = DateTime.fromJSDate(row.endsAt, { zone });
  for (const dt of [start, end]) {
    const wall = Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second);
    const readings = vtz.readingsOf(wall);
    if (readings.length !== 1 || readings[0] !== dt.offset) return utc;
  }
  return { tzid: vtz.tzid, start, end };
}

const toUtc = (d: Date) => DateTime.fromJSDate(d, { zone: "utc" });

/** Calendar properties ical-generator 10.2 would write after the VTIMEZONEs (RFC 5545 wants them first). */
function headerLines(input: CalendarInput): string[] {
  const lines: string[] = [];
  const zone = input.timeZone ?? input.events[0]?.row.timeZone ?? input.config.DEFAULT_TIME_ZONE;
  if (/^[A-Za-z0-9_+\-/]+$/.test(zone)) lines.push(`X-WR-TIMEZONE:${zone}`);
  if (input.refreshMinutes) {
    const minutes = Math.max(1, Math.round(input.refreshMinutes));
    const d = `PT${minutes >= 60 ? `${Math.floor(minutes / 60)}H` : ""}${minutes % 60 ? `${minutes % 60}M` : ""}`;
    lines.push(`REFRESH-INTERVAL;VALUE=DURATION:${d}`, `X-PUBLISHED-TTL:${d}`);
  }
  return lines;
}

/**
 * The one iCalendar builder: feeds, the single-event download and every invitation. Output is a
 * pure function of the input (no "now", no random UID): same data, same bytes. ical-generator
 * writes and escapes the properties; this module escapes what it writes raw (NAME,
 * X-WR-CALNAME, X-WR-CALDESC, PRODID), orders the calendar properties before the components,
 * adds the VTIMEZONEs and folds (fold.ts). CRLF everywhere, including after END:VCALENDAR.
 */
export function buildCalendar(input: CalendarInput): string {
  const { config } = input;
  const method = input.method;
  if (method && method !== "PUBLISH" && input.events.some((e) => !e.attendee)) {
    throw new Error(`METHOD:${method} needs an attendee on every event (RFC 5546)`);
  }
  const organizer = {
    name: cleanParam(config.ORG_NAME) || "Events",
    email: input.organizerEmail ?? organizerEmailOf(config),
  };
  const cal = ical({
    prodId: `//${escapeText(cleanParam(config.ORG_NAME), false)}//Convene//EN`,
    // ical-generator writes NAME, X-WR-CALNAME and X-WR-CALDESC without escaping them.
    name: escapeText(cleanText(input.name), false),
    ...(input.description ? { description: escapeText(cleanText(input.description), false) } : {}),
    ...(method ? { method: ICalCalendarMethod[method] } : {}),
    scale: "GREGORIAN",
    // No calendar time zone: with one, ical-generator writes DTSTAMP as a local time.
  });
  const zones = new Map<string, string>();

  for (const entry of input.events) {
    const { row } = entry;
    const view = entryView({
      row,
      rel: entry.rel,
      config,
      personalJoinUrl: entry.personalJoinUrl,
      waitlisted: entry.waitlisted,
      location: entry.location,
      method,
    });
    const placed = place(row);
    if (placed.tzid) zones.set(placed.tzid, vtimezone(placed.tzid)!.block);
    const stamp = entry.stamp && entry.stamp > row.updatedAt ? entry.stamp : row.updatedAt;
    const cancelled = method === "CANCEL" || row.status === "cancelled";
    const status = cancelled
      ? ICalEventStatus.CANCELLED
      : entry.waitlisted
        ? ICalEventStatus.TENTATIVE
        : ICalEventStatus.CONFIRMED;
    const event = cal.createEvent({
      id: uidOf(row, config),
      sequence: row.sequence,
      stamp: toUtc(stamp),
      start: placed.start,
      end: placed.end,
      timezone: placed.tzid,
      summary: view.summary,
      description: view.description,
      location: view.location,
      url: eventPageUrl(config, row.slug),
      organizer,
      categories: entry.rel.topics.map((t) => ({ name: cleanText(t.name) })),
      status,
      created: toUtc(row.createdAt),
      lastModified: toUtc(stamp),
      ...(input.transparent ? { transparency: ICalEventTransparency.TRANSPARENT } : {}),
    });
    if (entry.attendee) {
      const a = entry.attendee;
      const name = a.name ? cleanParam(a.name) : "";
      event.createAttendee({
        email: cleanParam(a.email),
        ...(name ? { name } : {}),
        role: ICalAttendeeRole.REQ,
        status: (a.partstat ?? "ACCEPTED") as ICalAttendeeStatus,
        rsvp: a.rsvp ?? false,
      });
    }
    if (!cancelled) {
      for (const minutes of entry.alarmMinutesBefore ?? []) {
        event.createAlarm({ type: ICalAlarmType.display, trigger: minutes * 60, description: view.summary });
      }
    }
  }
  // The events' own text (escaped by ical-generator, not yet folded), then the calendar shell
  // without them, so that properties, time zones and events come in RFC 5545 order and the
  // whole is folded once, quickly.
  const vevents = cal
    .events()
    .map((e) => e.toString())
    .join("");
  cal.clear();
  const shell = cal.toString();
  const head = shell.slice(0, shell.lastIndexOf("END:VCALENDAR"));
  const lines = [...headerLines(input), ...zones.values()].map((l) => `${l}\r\n`).join("");
  return `${foldLines(head + lines + vevents)}END:VCALENDAR\r\n`;
}
