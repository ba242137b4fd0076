import { type SQL, sql } from "drizzle-orm";
import { sqlAll } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { invalidField } from "../../lib/problem.js";
import { isoUtc } from "../../lib/time.js";
import type { RegistrationStatus } from "./engine.js";
import { type Newsletter, type NewsletterSource, type NewsletterState, newsletterOf } from "./newsletter.js";

/** A registration as staff see it: the person's email and answers included (registrations:read). */
export interface StaffRegistration {
  id: string;
  name: string;
  email: string;
  status: RegistrationStatus;
  /** Place in the waitlist queue (1 = next to be promoted), for waitlisted registrations. */
  position: number | null;
  answers: Record<string, string | boolean>;
  createdAt: string;
  confirmedAt: string | null;
  cancelledAt: string | null;
  attendedAt: string | null;
  remindersOptOut: boolean;
  /** The person's newsletter opt-in (all their registrations show the same); null: never asked. */
  newsletter: Newsletter | null;
}

export interface RegistrationFilter {
  status?: RegistrationStatus;
  /** Part of the name or email, any case. */
  q?: string;
  attended?: boolean;
}

/** Keyset position: the last row's (created_at, id). */
export interface RegistrationCursor {
  at: number;
  id: string;
}

export function encodeRegistrationCursor(c: RegistrationCursor): string {
  return btoa(JSON.stringify([c.at, c.id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

export function decodeRegistrationCursor(raw: string): RegistrationCursor {
  try {
    const [at, id] = JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/"))) as [unknown, unknown];
    if (typeof at === "number" && typeof id === "string") return { at, id };
  } catch {
    // fall through to the problem below
  }
  throw invalidField("cursor", "is not a cursor returned by this API");
}

interface Row {
  id: string;
  event_id: string;
  name: string;
  email: string;
  status: RegistrationStatus;
  position: number | null;
  answers: string;
  created_at: number;
  confirmed_at: number | null;
  cancelled_at: number | null;
  attended_at: number | null;
  reminders_opt_out: number;
  newsletter_state: NewsletterState | null;
  newsletter_at: number | null;
  newsletter_source: NewsletterSource | null;
}

const instant = (ms: number | null) => (ms === null ? null : isoUtc(new Date(Number(ms))));

function toStaff(r: Row): StaffRegistration & { createdMs: number } {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    status: r.status,
    position: r.position === null ? null : Number(r.position),
    answers: JSON.parse(r.answers) as Record<string, string | boolean>,
    createdAt: instant(r.created_at)!,
    confirmedAt: instant(r.confirmed_at),
    cancelledAt: instant(r.cancelled_at),
    attendedAt: instant(r.attended_at),
    remindersOptOut: Boolean(r.reminders_opt_out),
    newsletter: newsletterOf({
      newsletterState: r.newsletter_state,
      newsletterAt: r.newsletter_at,
      newsletterSource: r.newsletter_source,
    }),
    createdMs: Number(r.created_at),
  };
}

/**
 * SQLite's lower() folds ASCII only, so "київ" would not find "Київ". Names are matched
 * as typed, lower-cased, upper-cased and capitalised (which covers how names are written),
 * and case-insensitively for ASCII; emails are stored lower-cased already.
 */
function searchCondition(q: string): SQL {
  const lower = q.toLowerCase();
  const variants = [...new Set([q, lower, q.toUpperCase(), lower.charAt(0).toUpperCase() + lower.slice(1)])];
  return sql`(instr(a.email, ${lower}) > 0 OR instr(lower(a.name), ${lower}) > 0 OR ${sql.join(
    variants.map((v) => sql`instr(a.name, ${v}) > 0`),
    sql` OR `,
  )})`;
}

// The waitlist rank comes from one window over the event's queue rather than a count per row,
// which would be quadratic in a long waitlist.
const SELECT = (eventId: SQL) => sql`
  SELECT r.id, r.event_id, a.name, a.email, r.status, w.position, r.answers, r.created_at, r.confirmed_at,
         r.cancelled_at, r.attended_at, r.reminders_opt_out, a.newsletter_state, a.newsletter_at, a.newsletter_source
  FROM registrations r
  JOIN attendees a ON a.id = r.attendee_id
  LEFT JOIN (SELECT id, row_number() OVER (ORDER BY waitlist_position, id) AS position
             FROM registrations WHERE event_id = ${eventId} AND status = 'waitlisted') w ON w.id = r.id`;

/** One keyset page in registration order (created_at, id); `limit + 1` rows tell if more follow. */
export async function registrationPage(
  db: Db,
  eventId: string,
  filter: RegistrationFilter,
  limit: number,
  after?: RegistrationCursor,
): Promise<{ items: StaffRegistration[]; next: RegistrationCursor | null }> {
  const where: SQL[] = [sql`r.event_id = ${eventId}`];
  if (filter.status) where.push(sql`r.status = ${filter.status}`);
  if (filter.attended !== undefined)
    where.push(filter.attended ? sql`r.attended_at IS NOT NULL` : sql`r.attended_at IS NULL`);
  if (filter.q) where.push(searchCondition(filter.q));
  if (after)
    where.push(sql`(r.created_at > ${after.at} OR (r.created_at = ${after.at} AND r.id > ${after.id}))`);
  const rows = await sqlAll<Row>(
    db,
    sql`${SELECT(sql`${eventId}`)} WHERE ${sql.join(where, sql` AND `)}
        ORDER BY r.created_at, r.id LIMIT ${limit + 1}`,
  );
  const page = rows.slice(0, limit).map(toStaff);
  const last = page.at(-1);
  return {
    items: page.map(({ createdMs: _, ...item }) => item),
    next: rows.length > limit && last ? { at: last.createdMs, id: last.id } : null,
  };
}

/** One registration in the staff view, with its event id, or undefined. */
export async function findStaffRegistration(
  db: Db,
  id: string,
): Promise<(StaffRegistration & { eventId: string }) | undefined> {
  const [row] = await sqlAll<Row>(
    db,
    sql`${SELECT(sql`(SELECT event_id FROM registrations WHERE id = ${id})`)} WHERE r.id = ${id}`,
  );
  if (!row) return undefined;
  const { createdMs: _, ...item } = toStaff(row);
  return { ...item, eventId: row.event_id };
}
