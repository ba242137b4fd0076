import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { accessTokens, registrations } from "../../../db/schema.js";
import { macMatches } from "../../calendar/index.js";
import { findEvent } from "../../events/index.js";

/**
 * The registration behind a feed join link: the mac must match one of the attendee's active
 * feed tokens. The join rules themselves are the same as for emailed links (attendee-join.ts).
 */
export async function resolveFeedJoin(db: Db, registrationId: string, mac: string) {
  if (!/^\w{1,64}$/.test(registrationId) || !/^[0-9a-z]{26}$/.test(mac)) return null;
  const rows = await db
    .select({ registration: registrations, hash: accessTokens.hash })
    .from(registrations)
    .innerJoin(
      accessTokens,
      and(
        eq(accessTokens.attendeeId, registrations.attendeeId),
        eq(accessTokens.kind, "feed"),
        isNull(accessTokens.revokedAt),
      ),
    )
    .where(eq(registrations.id, registrationId));
  if (
    !rows[0] ||
    !(await macMatches(
      rows.map((r) => r.hash),
      registrationId,
      mac,
    ))
  )
    return null;
  const event = await findEvent(db, rows[0].registration.eventId);
  return event ? { event, registration: rows[0].registration } : null;
}
