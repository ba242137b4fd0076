import { and, desc, eq, isNull } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { accessTokens } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { Problem } from "../../lib/problem.js";
import { mintToken } from "../../lib/tokens.js";
import { cancelRegistration, outcomeOf } from "./engine.js";
import { findByToken } from "./service.js";
import { createFeedToken, joinTokenStatement, rotateFeedToken } from "./tokens.js";

export type ManageFound = NonNullable<Awaited<ReturnType<typeof findByToken>>>;

export interface ManageView extends ManageFound {
  /** Place in the waitlist queue (1 = next), for waitlisted registrations. */
  position: number | null;
  /** The personal /j/ path, for confirmed registrations of online events that are still ahead. */
  joinPath: string | null;
  /** When the attendee's newest working calendar-feed link was made; null: they have none. */
  feedSince: Date | null;
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
  const [{ position }, feedSince] = await Promise.all([
    outcomeOf(deps.db, found.registration.id),
    activeFeedSince(deps.db, found.attendee.id),
  ]);
  let joinPath: string | null = null;
  if (hasJoinLink(found, now)) {
    const join = await mintToken(deps);
    await sqlBatch(deps.db, [joinTokenStatement(join.hash, found.registration.id, now.getTime())]);
    joinPath = `/j/${join.token}`;
  }
  return { ...found, position, joinPath, feedSince };
}

async function activeFeedSince(db: Db, attendeeId: string): Promise<Date | null> {
  const [row] = await db
    .select({ createdAt: accessTokens.createdAt })
    .from(accessTokens)
    .where(
      and(
        eq(accessTokens.attendeeId, attendeeId),
        eq(accessTokens.kind, "feed"),
        isNull(accessTokens.revokedAt),
      ),
    )
    .orderBy(desc(accessTokens.createdAt))
    .limit(1);
  return row?.createdAt ?? null;
}

/**
 * A calendar-feed token for the owner of a manage token, made only when they ask for it (a
 * token per page view would pile up, and the plaintext can be shown only once anyway).
 * `replace` revokes every earlier feed token of the attendee, and with them the join links
 * derived from them, in the same batch. Null when the manage token does not (or no longer) work.
 */
export async function requestFeedToken(
  deps: Deps,
  manageToken: string,
  mode: "new" | "replace",
): Promise<string | null> {
  const found = await findByToken(deps, manageToken, "manage");
  if (!found) return null;
  try {
    const make = mode === "replace" ? rotateFeedToken : createFeedToken;
    return await make(deps, found.attendee.id);
  } catch (err) {
    // Erased between the two statements: the same answer as an unknown token.
    if (err instanceof Problem && err.status === 404) return null;
    throw err;
  }
}

/** One-click cancel from the manage page: frees the seat and promotes, in the engine's one batch. */
export async function cancelByToken(deps: Deps, token: string): Promise<boolean> {
  const found = await findByToken(deps, token, "manage");
  if (!found) return false;
  await cancelRegistration(deps, found.registration.id);
  return true;
}
