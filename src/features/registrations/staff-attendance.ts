import { sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { invalidField } from "../../lib/problem.js";
import { type Actor, auditWhen } from "../audit/index.js";
import { CsvSyntaxError, parseCsv } from "./csv.js";
import { normaliseEmail } from "./engine.js";
import { attendanceWebhooks } from "./webhooks.js";

/**
 * Attendance from a Zoom "Participants" export. Such a file may open with a meeting summary
 * (Meeting ID, Topic, ..., the host's "User Email") and a blank line before the participants'
 * header: "Name (Original Name)", "User Email" (older files: "Email"), "Join Time", ... A
 * webinar report has several such sections. So a header is a row with an email column, and
 * a participants header also has a name or join-time column; when the file has participants
 * headers, only their sections count (the host in the summary did not necessarily attend).
 */

const EMAIL_HEADER = /^(user )?e-?mail( address)?$/;
const JOIN_HEADER = /^join time$/;
const NAME_HEADER = /^(user )?name\b/;
/**
 * name@domain.tld with no whitespace, ",", ";" or second "@": a scan, not a regular expression,
 * so a hostile cell costs linear time (the pattern it replaces backtracked quadratically on a
 * long run of dots: 6.6 s for a crafted 100 KB file).
 */
export function looksLikeEmail(cell: string): boolean {
  const at = cell.indexOf("@");
  if (at <= 0 || at !== cell.lastIndexOf("@")) return false;
  if (/[\s,;]/.test(cell)) return false;
  const dot = cell.indexOf(".", at + 2);
  return dot !== -1 && dot < cell.length - 1;
}

const headerKey = (cell: string) => cell.trim().toLowerCase().replace(/\s+/g, " ");

interface Section {
  email: number;
  join: number;
}

function asHeader(row: string[]): (Section & { participants: boolean }) | null {
  const keys = row.map(headerKey);
  const email = keys.findIndex((k) => EMAIL_HEADER.test(k));
  if (email === -1) return null;
  const join = keys.findIndex((k) => JOIN_HEADER.test(k));
  return { email, join, participants: join !== -1 || keys.some((k) => NAME_HEADER.test(k)) };
}

// Zoom writes local times in the account's zone without an offset; the event's zone is the
// best guess. Offsets and ISO instants are taken as they are.
const FORMATS = [
  "MM/dd/yyyy hh:mm:ss a",
  "MM/dd/yyyy h:mm:ss a",
  "MM/dd/yyyy hh:mm a",
  "MM/dd/yyyy HH:mm:ss",
  "MM/dd/yyyy HH:mm",
  "yyyy-MM-dd HH:mm:ss",
  "yyyy-MM-dd HH:mm",
];

export function parseJoinTime(value: string, zone: string): number | null {
  const text = value.trim();
  if (!text) return null;
  const iso = DateTime.fromISO(text, { zone, setZone: false });
  if (iso.isValid) return iso.toMillis();
  for (const format of FORMATS) {
    const dt = DateTime.fromFormat(text, format, { zone, locale: "en-US" });
    if (dt.isValid) return dt.toMillis();
  }
  return null;
}

/** Each attendee email (normalised) with the earliest join time found for it, or null. */
export function readAttendance(text: string, zone: string): Map<string, number | null> {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw invalidField("file", `is not valid CSV: ${err.message}`);
    throw err;
  }
  const headers = rows.map(asHeader);
  const onlyParticipants = headers.some((h) => h?.participants);
  const out = new Map<string, number | null>();
  let section: Section | null = null;
  for (const [i, row] of rows.entries()) {
    const header = headers[i];
    if (header) {
      section = !onlyParticipants || header.participants ? header : null;
      continue;
    }
    if (!section) continue;
    const email = normaliseEmail(row[section.email] ?? "");
    if (!looksLikeEmail(email)) continue; // guests without an email, section titles, blanks
    const joined = section.join === -1 ? null : parseJoinTime(row[section.join] ?? "", zone);
    const seen = out.get(email);
    if (seen === undefined || (joined !== null && (seen === null || joined < seen))) out.set(email, joined);
  }
  if (!headers.some(Boolean)) {
    throw invalidField(
      "file",
      'has no header row with an email column (Zoom: "User Email" or "Email" in the participants export)',
      "attendance-file",
    );
  }
  return out;
}

export interface AttendanceResult {
  /** Registrations marked as attended by this import. */
  matched: number;
  /** Registrations in the file that were marked before. */
  alreadyMarked: number;
  /** Emails in the file that have no registration for this event. */
  unmatched: string[];
}

/**
 * Marks attendance in one batch: the read of what is there, the audit row (with counts taken
 * inside the batch, so they are exact under concurrency) and the update commit together.
 * Any registration counts, whatever its status: attendance is a fact from the meeting.
 */
export async function importAttendance(
  deps: Deps,
  actor: Actor,
  eventId: string,
  seen: Map<string, number | null>,
): Promise<AttendanceResult> {
  const now = deps.clock.now();
  const at = now.getTime();
  const opId = deps.tokens.id("op");
  // One JSON parameter, not one per email: D1 binds at most 100 parameters per statement.
  const map = JSON.stringify(Object.fromEntries(seen));
  const inFile = sql`(SELECT a.id FROM attendees a WHERE a.email IN (SELECT key FROM json_each(${map})))`;
  const mine = sql`registrations r WHERE r.event_id = ${eventId} AND r.attendee_id IN ${inFile}`;
  const results = await sqlBatch(deps.db, [
    sql`SELECT a.email, r.attended_at FROM registrations r JOIN attendees a ON a.id = r.attendee_id
        WHERE r.event_id = ${eventId} AND a.email IN (SELECT key FROM json_each(${map}))`,
    auditWhen(
      actor,
      now,
      {
        action: "registration.attendance_import",
        entityType: "event",
        entityId: eventId,
        after: sql`json_object(
          'emails', ${seen.size},
          'matched', (SELECT count(*) FROM ${mine} AND r.attended_at IS NULL),
          'alreadyMarked', (SELECT count(*) FROM ${mine} AND r.attended_at IS NOT NULL))`,
      },
      sql`1`,
    ),
    sql`
      UPDATE registrations SET updated_at = ${at}, op_id = ${opId}, attended_at = coalesce(
        (SELECT j.value FROM json_each(${map}) j JOIN attendees a ON a.email = j.key
         WHERE a.id = registrations.attendee_id), ${at})
      WHERE event_id = ${eventId} AND attended_at IS NULL AND attendee_id IN ${inFile}`,
    attendanceWebhooks(opId, now, deps.config.PUBLIC_URL),
  ]);
  const registered = results[0] ?? [];
  const known = new Set(registered.map((r) => String(r.email)));
  return {
    matched: registered.filter((r) => r.attended_at === null).length,
    alreadyMarked: registered.filter((r) => r.attended_at !== null).length,
    unmatched: [...seen.keys()].filter((e) => !known.has(e)).sort(),
  };
}
