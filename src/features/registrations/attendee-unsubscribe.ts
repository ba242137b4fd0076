import { eq } from "drizzle-orm";
import { registrations } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { findByToken } from "./service.js";

/**
 * RFC 8058 one-click unsubscribe from reminders of one registration. Idempotent; the manage
 * token in the link is the authority, which is why the route needs no Origin.
 */
export async function optOutReminders(deps: Deps, token: string) {
  const found = await findByToken(deps, token, "manage");
  if (!found) return null;
  await deps.db
    .update(registrations)
    .set({ remindersOptOut: true, updatedAt: deps.clock.now() })
    .where(eq(registrations.id, found.registration.id));
  return found;
}
