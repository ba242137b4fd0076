import { type SQL, sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { notFound } from "../../lib/problem.js";
import { mintToken } from "../../lib/tokens.js";
import { eventOnline } from "../events/index.js";

/**
 * The one place that writes `access_tokens` (registrations owns it): capability tokens, stored
 * as SHA-256 hashes. 'manage' and 'join' belong to a registration, 'feed' to an attendee. Every
 * writer is a statement for the caller's batch, so a token exists exactly when the change that
 * hands it out commits. (The registration's own manage token is part of the engine's fixed-text
 * batch in engine.ts, the hot path, and is written there.)
 */

/** One message's tokens: its index in the caller's list, the registration, and the hashes. */
export interface MessageTokens {
  i: number;
  reg: string;
  manage: string;
  /** The List-Unsubscribe link's token: it can stop reminders and nothing else. */
  unsub: string;
}

/**
 * Manage and unsubscribe tokens for a list of outgoing messages, minted at send time, as
 * INSERT ... SELECT over the JSON list (one bound parameter whatever its length: D1 allows 100),
 * and the registrations' join keys, made once (a registration from before migration 0012 gets
 * its key here): three statements. A token is written only while its registration is live
 * (attendee not erased; for `confirmed`, also still confirmed). The caller's read in the same
 * batch reads the join link (`joinPath`); a skipped registration's tokens are simply never shown.
 */
export function messageTokenStatements(
  list: MessageTokens[],
  now: number,
  manageFor: "any" | "confirmed",
): SQL[] {
  const q = sql`json_each(${JSON.stringify(list)}) q
    JOIN registrations r ON r.id = json_extract(q.value, '$.reg') JOIN attendees a ON a.id = r.attendee_id`;
  const live =
    manageFor === "confirmed"
      ? sql`a.erased_at IS NULL AND r.status = 'confirmed'`
      : sql`a.erased_at IS NULL`;
  return [
    sql`INSERT INTO access_tokens (hash, kind, registration_id, created_at)
        SELECT json_extract(q.value, '$.manage'), 'manage', r.id, ${now} FROM ${q} WHERE ${live}`,
    // The List-Unsubscribe header travels further than the message (mail providers act on it):
    // it carries its own token, which opens no manage page.
    sql`INSERT INTO access_tokens (hash, kind, registration_id, created_at)
        SELECT json_extract(q.value, '$.unsub'), 'unsubscribe', r.id, ${now} FROM ${q} WHERE ${live}`,
    sql`UPDATE registrations SET join_key = lower(hex(randomblob(16)))
        WHERE join_key IS NULL AND id IN (SELECT value FROM json_each(${JSON.stringify(list.map((m) => m.reg))}))`,
  ];
}

/**
 * The registration's personal join path, `/j/{id}/{join key}` (one per registration, the same in
 * every message), as a read fragment over registration `r`: NULL unless the message carries
 * one (not a recording notice: `rec`) and the registration is confirmed, for a published online
 * event, and not erased.
 */
export const joinPath = (r: string, rec: SQL | number) =>
  sql`CASE WHEN ${rec} = 0 AND ${sql.raw(r)}.status = 'confirmed' AND ${sql.raw(r)}.join_key IS NOT NULL
        AND ${eventOnline(sql.raw(`${r}.event_id`))}
      THEN '/j/' || ${sql.raw(r)}.id || '/' || ${sql.raw(r)}.join_key END`;

/** Revokes every token of an attendee and of their registrations (erasure). */
export function revokeAttendeeTokens(attendeeId: string, at: number): SQL {
  return sql`
    UPDATE access_tokens SET revoked_at = ${at}
    WHERE revoked_at IS NULL AND (attendee_id = ${attendeeId}
      OR registration_id IN (SELECT id FROM registrations WHERE attendee_id = ${attendeeId}))`;
}

type TokenDeps = Pick<Deps, "db" | "clock" | "tokens">;

function insertFeedToken(hash: string, attendeeId: string, at: number) {
  return sql`
    INSERT INTO access_tokens (hash, kind, attendee_id, created_at)
    SELECT ${hash}, 'feed', id, ${at} FROM attendees WHERE id = ${attendeeId} AND erased_at IS NULL
    RETURNING hash`;
}

/** A new calendar-feed token for an attendee (earlier ones keep working); returns the plaintext. */
export async function createFeedToken(deps: TokenDeps, attendeeId: string): Promise<string> {
  const { token, hash } = await mintToken(deps);
  const [inserted] = await sqlBatch(deps.db, [insertFeedToken(hash, attendeeId, deps.clock.now().getTime())]);
  if (!inserted?.length) throw notFound("Attendee");
  return token;
}

/** Revokes every feed token of the attendee and returns a new one, in one batch. */
export async function rotateFeedToken(deps: TokenDeps, attendeeId: string): Promise<string> {
  const { token, hash } = await mintToken(deps);
  const at = deps.clock.now().getTime();
  const [, inserted] = await sqlBatch(deps.db, [
    sql`UPDATE access_tokens SET revoked_at = ${at}
        WHERE kind = 'feed' AND attendee_id = ${attendeeId} AND revoked_at IS NULL`,
    insertFeedToken(hash, attendeeId, at),
  ]);
  if (!inserted?.length) throw notFound("Attendee");
  return token;
}
