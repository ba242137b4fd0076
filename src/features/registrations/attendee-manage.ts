import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { accessTokens, attendees } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { Problem } from "../../lib/problem.js";
import type { EventRow } from "../events/index.js";
import { cancelRegistration, outcomeOf, rejoinRegistration } from "./engine.js";
import { confirmNewsletterStatement, withdrawNewsletterStatement } from "./newsletter.js";
import { closedReason, eventFull, findByToken } from "./service.js";
import { createFeedToken, rotateFeedToken } from "./tokens.js";

/**
 * The attendee's manage link, /r/{token}. Its token travels only by email (the HTTP answer to
 * a registration carries none), so whoever holds it holds the mailbox: it may act on the whole
 * person (their name, their calendar feed, erasure), as docs/ARCHITECTURE.md ("Who may act") sets out.
 */

export type ManageFound = NonNullable<Awaited<ReturnType<typeof findByToken>>>;

export interface ManageView extends ManageFound {
  /** Place in the waitlist queue (1 = next), for waitlisted registrations. */
  position: number | null;
  /** The join path, for confirmed registrations of online events that are still ahead. */
  joinPath: string | null;
  /** When the attendee's newest working calendar-feed link was made; null: they have none. */
  feedSince: Date | null;
}

/** A manage link stops showing or changing anything this long after its event ended. */
export const manageExpired = (event: Pick<EventRow, "endsAt">, now: Date, days: number) =>
  now.getTime() > event.endsAt.getTime() + days * 86_400_000;

/**
 * The registration behind a manage token, `expired` when its event ended more than
 * MANAGE_LINK_DAYS ago (then only erasure still works: the right to it does not expire).
 */
export async function findManage(deps: Deps, token: string) {
  const found = await findByToken(deps, token, "manage");
  if (!found) return null;
  return { ...found, expired: manageExpired(found.event, deps.clock.now(), deps.config.MANAGE_LINK_DAYS) };
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
 * The manage page's data, or "expired". The join button goes through the manage token itself
 * (/r/{token}/join), so viewing the page mints nothing.
 */
export async function loadManage(deps: Deps, token: string): Promise<ManageView | "expired" | null> {
  const found = await findManage(deps, token);
  if (!found) return null;
  if (found.expired) return "expired";
  const [{ position }, feedSince] = await Promise.all([
    outcomeOf(deps.db, found.registration.id),
    activeFeedSince(deps.db, found.attendee.id),
  ]);
  const joinPath = hasJoinLink(found, deps.clock.now()) ? `/r/${token}/join` : null;
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

/** A live (found, not expired) manage link, or null: every change below starts here. */
async function live(deps: Deps, token: string) {
  const found = await findManage(deps, token);
  return found && !found.expired ? found : null;
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
  const found = await live(deps, manageToken);
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
  const found = await live(deps, token);
  if (!found) return false;
  await cancelRegistration(deps, found.registration.id);
  return true;
}

/**
 * "Register again" on a cancelled registration's manage page. Throws the event's closed reason
 * (or event-full) as a Problem when it takes no registrations now.
 */
export async function rejoinByToken(deps: Deps, token: string): Promise<boolean> {
  const found = await live(deps, token);
  if (!found) return false;
  const reason = closedReason(found.event, deps.clock.now());
  if (reason) throw reason;
  if (!(await rejoinRegistration(deps, found.registration))) throw eventFull();
  return true;
}

/**
 * The newsletter from the manage page, whose link proves the mailbox: "confirm" turns a request
 * (or nothing) into a subscription; "withdraw" is "No thanks" to a request and "Stop the
 * newsletter" to a subscription. One conditional statement each (newsletter.ts).
 */
export async function newsletterByToken(
  deps: Deps,
  token: string,
  choice: "confirm" | "withdraw",
): Promise<boolean> {
  const found = await live(deps, token);
  if (!found) return false;
  const at = deps.clock.now().getTime();
  await deps.db.run(
    choice === "confirm"
      ? confirmNewsletterStatement(found.attendee.id, at)
      : withdrawNewsletterStatement(found.attendee.id, at, "manage-page"),
  );
  return true;
}

/** The name our emails greet the person with: only the mailbox's owner may change it. */
export async function renameByToken(deps: Deps, token: string, name: string): Promise<boolean> {
  const found = await live(deps, token);
  if (!found) return false;
  await deps.db
    .update(attendees)
    .set({ name, updatedAt: deps.clock.now() })
    .where(and(eq(attendees.id, found.attendee.id), isNull(attendees.erasedAt)));
  return true;
}
