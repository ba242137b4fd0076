import { eq } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import { registrations } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { withdrawNewsletterStatement } from "./newsletter.js";
import { findByToken } from "./service.js";

/**
 * The registration an unsubscribe link acts on: an unsubscribe token (the List-Unsubscribe
 * header of every email, which opens nothing else) or a manage token (the manage page's link).
 */
export async function findForUnsubscribe(deps: Deps, token: string) {
  return (await findByToken(deps, token, "unsubscribe")) ?? (await findByToken(deps, token, "manage"));
}

/**
 * RFC 8058 one-click unsubscribe from reminders of one registration, and from the newsletter
 * (a request or a subscription is withdrawn), in one batch. Idempotent; the token in the link
 * is the authority, which is why the route needs no Origin.
 */
export async function optOutReminders(deps: Deps, token: string) {
  const found = await findForUnsubscribe(deps, token);
  if (!found) return null;
  const now = deps.clock.now();
  await sqlBatch(deps.db, [
    deps.db
      .update(registrations)
      .set({ remindersOptOut: true, updatedAt: now })
      .where(eq(registrations.id, found.registration.id)),
    withdrawNewsletterStatement(found.attendee.id, now.getTime(), "unsubscribe"),
  ]);
  return found;
}
