import { sql } from "drizzle-orm";
import { sqlAll } from "../../../db/batch.js";
import type { Db } from "../../../db/client.js";
import {
  type EventRow,
  FEED_WINDOW_MS,
  feedMembers,
  feedScope,
  loadFeedRows,
  withRelations,
} from "../../events/index.js";

/**
 * An attendee's personal feed (`/feeds/{token}/calendar.ics`): the events of their confirmed
 * and waitlisted registrations that are in the feed window (events/feed-reads.ts). Its
 * fingerprint adds to the members' parts the number of confirmed seats and the registrations'
 * changes, so a cancellation or a promotion changes the feed.
 */

const active = sql`r.status IN ('confirmed', 'waitlisted')`;

export interface PersonalVersion {
  attendeeId: string;
  parts: (number | null)[];
  last: number | null;
}

export async function personalVersion(db: Db, tokenHash: string, now: Date): Promise<PersonalVersion | null> {
  const [r] = await sqlAll<Record<string, number | string | null>>(
    db,
    sql`SELECT a.id AS attendee_id, count(e.id) AS n, coalesce(sum(e.revision), 0) AS rev,
               coalesce(sum(e.updated_at), 0) AS upd, max(max(e.updated_at, r.updated_at)) AS last,
               coalesce(sum(CASE WHEN e.id IS NOT NULL AND r.status = 'confirmed' THEN 1 ELSE 0 END), 0) AS confirmed,
               coalesce(sum(CASE WHEN e.id IS NOT NULL THEN r.updated_at END), 0) AS reg_upd
        FROM access_tokens t JOIN attendees a ON a.id = t.attendee_id AND a.erased_at IS NULL
             LEFT JOIN registrations r ON r.attendee_id = a.id AND ${active}
             LEFT JOIN ${feedMembers(now.getTime() - FEED_WINDOW_MS)} e ON e.id = r.event_id
        WHERE t.hash = ${tokenHash} AND t.kind = 'feed' AND t.revoked_at IS NULL
        GROUP BY a.id`,
  );
  if (!r) return null;
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    attendeeId: String(r.attendee_id),
    parts: [n(r.n), n(r.rev), n(r.upd), n(r.last), n(r.confirmed), n(r.reg_upd)],
    last: n(r.last),
  };
}

/** When members last left by age, or a registration's cancellation took its event out. */
export async function personalDeparted(db: Db, tokenHash: string, now: Date): Promise<number | null> {
  const at = now.getTime();
  const [r] = await sqlAll<{ left: number | null; reg_left: number | null }>(
    db,
    sql`SELECT max(CASE WHEN ${active} THEN
                 (CASE WHEN e.ages_out_at <= ${at} AND e.ages_out_at > max(e.updated_at, r.updated_at)
                  THEN e.ages_out_at END) END) AS left,
               max(CASE WHEN r.status = 'cancelled' AND e.ages_out_at > r.cancelled_at
                   THEN r.cancelled_at END) AS reg_left
        FROM access_tokens t JOIN attendees a ON a.id = t.attendee_id AND a.erased_at IS NULL
             JOIN registrations r ON r.attendee_id = a.id
             JOIN ${feedScope} e ON e.id = r.event_id
        WHERE t.hash = ${tokenHash} AND t.kind = 'feed' AND t.revoked_at IS NULL`,
  );
  // (A registration cancelled while its event was in the feed took it out at that moment.)
  const left = r?.left === null || r?.left === undefined ? null : Number(r.left);
  const regLeft = r?.reg_left === null || r?.reg_left === undefined ? null : Number(r.reg_left);
  return left === null ? regLeft : regLeft === null ? left : Math.max(left, regLeft);
}

export interface PersonalItem {
  row: EventRow;
  registrationId: string;
  status: "confirmed" | "waitlisted";
  registrationUpdatedAt: Date;
}

/** The attendee's active registrations whose events are in the window, in start order. */
export async function loadPersonal(db: Db, attendeeId: string, now: Date) {
  const regs = await sqlAll<{
    id: string;
    event_id: string;
    status: PersonalItem["status"];
    updated_at: number;
  }>(
    db,
    sql`SELECT r.id, r.event_id, r.status, r.updated_at
        FROM registrations r JOIN ${feedMembers(now.getTime() - FEED_WINDOW_MS)} e ON e.id = r.event_id
        WHERE r.attendee_id = ${attendeeId} AND ${active}
        ORDER BY e.starts_at, e.id`,
  );
  const rows = new Map(
    (
      await loadFeedRows(
        db,
        regs.map((r) => r.event_id),
      )
    ).map((row) => [row.id, row]),
  );
  const items = await withRelations(
    db,
    regs.flatMap((r) => {
      const row = rows.get(r.event_id);
      if (!row) return [];
      const item: PersonalItem = {
        row,
        registrationId: r.id,
        status: r.status,
        registrationUpdatedAt: new Date(Number(r.updated_at)),
      };
      return [item];
    }),
  );
  return items;
}
