import { and, eq, inArray, sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import { registrations } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { forgetWebhookData } from "../outbox/index.js";
import { forgetWebhookMessages } from "../webhooks/index.js";
import { promotionStatements } from "./engine.js";
import { revokeAttendeeTokens } from "./tokens.js";

export const ERASED_NAME = "Erased attendee";
export const erasedEmail = (attendeeId: string) => `erased+${attendeeId}@invalid`;

/**
 * "Delete my data": in ONE batch the attendee's name and email become anonymous (and their
 * newsletter opt-in is removed, not withdrawn: nothing of the choice is kept), the answers of
 * all their registrations are cleared, their active registrations are cancelled (freeing seats
 * and promoting the waitlist, exactly as a cancellation does) and every token is revoked. The
 * registration rows stay, so attendance counts and capacity history stay true.
 *
 * No "cancelled" email is queued: the address it would go to is the one being erased; and the
 * webhook payloads about the person are emptied (outbox forgetWebhookData) and those not yet
 * fanned out to endpoints deleted (webhooks forgetWebhookMessages).
 */
export async function eraseAttendee(deps: Deps, attendeeId: string): Promise<void> {
  const { db } = deps;
  const now = deps.clock.now();
  const at = now.getTime();
  const opId = deps.tokens.id("op");
  // Which events need a promotion pass. A registration created between this read and the batch
  // is still cancelled by the batch; only its promotion would wait for the next change.
  const active = await db
    .selectDistinct({ eventId: registrations.eventId })
    .from(registrations)
    .where(
      and(
        eq(registrations.attendeeId, attendeeId),
        inArray(registrations.status, ["confirmed", "waitlisted"]),
      ),
    );
  await sqlBatch(db, [
    sql`
      UPDATE registrations SET status = 'cancelled', cancelled_at = ${at}, updated_at = ${at}, op_id = ${opId}
      WHERE attendee_id = ${attendeeId} AND status IN ('confirmed', 'waitlisted')`,
    ...active.flatMap((r) => promotionStatements(r.eventId, opId, now, deps.config.PUBLIC_URL)),
    sql`UPDATE registrations SET answers = '{}', join_key = NULL, updated_at = ${at} WHERE attendee_id = ${attendeeId}`,
    revokeAttendeeTokens(attendeeId, at),
    forgetWebhookData(sql`SELECT id FROM registrations WHERE attendee_id = ${attendeeId}`, now),
    forgetWebhookMessages(sql`SELECT id FROM registrations WHERE attendee_id = ${attendeeId}`),
    sql`
      UPDATE attendees SET name = ${ERASED_NAME}, email = ${erasedEmail(attendeeId)}, erased_at = ${at}, updated_at = ${at},
             newsletter_state = NULL, newsletter_at = NULL, newsletter_source = NULL
      WHERE id = ${attendeeId}`,
  ]);
}
