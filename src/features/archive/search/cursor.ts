import { invalidField } from "../../../lib/problem.js";
import { isInstantMs } from "../../../lib/time.js";

/**
 * Keyset cursors of the archive search. Ranked pages continue after (score, id): bm25 is a
 * pure function of the index, so the same row gets the same score on the next request, and the
 * score travels in the cursor as a JSON number (which round-trips a double exactly). Unranked
 * pages continue after (starts_at, id), newest first.
 */
export type SearchCursor =
  | { kind: "ranked"; score: number; id: string }
  | { kind: "date"; at: number; id: string };

const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export function encodeSearchCursor(c: SearchCursor): string {
  return b64url(JSON.stringify(c.kind === "ranked" ? ["r", c.score, c.id] : ["d", c.at, c.id]));
}

const bad = () => invalidField("cursor", "is not a cursor returned by this search");

export function decodeSearchCursor(raw: string, ranked: boolean): SearchCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(atob(raw.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw bad();
  const [kind, value, id] = parsed as unknown[];
  if (typeof value !== "number" || !Number.isFinite(value) || typeof id !== "string" || id.length > 100) {
    throw bad();
  }
  // A cursor of a text search continues only a text search, and the other way round.
  if (kind === "r" && ranked) return { kind: "ranked", score: value, id };
  if (kind === "d" && !ranked && isInstantMs(value)) return { kind: "date", at: value, id };
  throw invalidField("cursor", "belongs to a different search (with or without q)");
}
