import { accessTokens } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { cancelRegistration, mintToken, outcomeOf } from "./engine.js";
import { findByToken } from "./service.js";

export type ManageFound = NonNullable<Awaited<ReturnType<typeof findByToken>>>;

export interface ManageView extends ManageFound {
  /** Place in the waitlist queue (1 = next), for waitlisted registrations. */
  position: number | null;
  /** The personal /j/ path, for confirmed registrations of online events that are still ahead. */
  joinPath: string | null;
}

/** Whether this registration gets a personal join link at all. */
export function hasJoinLink(found: ManageFound, now: Date): boolean {
  const { registration, event } = found;
  return (
    registration.status === "confirmed" &&
    event.status === "published" &&
    event.format !== "in_person" &&
    event.endsAt > now
  );
}

/**
 * The manage page's data. A join token is minted on every view: only hashes are stored, so an
 * earlier token cannot be shown again, and each token stays valid (same as the ones in emails).
 */
export async function loadManage(deps: Deps, token: string): Promise<ManageView | null> {
  const found = await findByToken(deps, token, "manage");
  if (!found) return null;
  const now = deps.clock.now();
  const { position } = await outcomeOf(deps.db, found.registration.id);
  let joinPath: string | null = null;
  if (hasJoinLink(found, now)) {
    const join = await mintToken(deps);
    await deps.db
      .insert(accessTokens)
      .values({ hash: join.hash, kind: "join", registrationId: found.registration.id, createdAt: now });
    joinPath = `/j/${join.token}`;
  }
  return { ...found, position, joinPath };
}

/** One-click cancel from the manage page: frees the seat and promotes, in the engine's one batch. */
export async function cancelByToken(deps: Deps, token: string): Promise<boolean> {
  const found = await findByToken(deps, token, "manage");
  if (!found) return false;
  await cancelRegistration(deps, found.registration.id);
  return true;
}
