import { Hono } from "hono";
import type { AppEnv } from "../../../lib/http.js";
import { describe, validate } from "../../../lib/validate.js";
import { spendSearch } from "../../limits/index.js";
import { cachedSearchArchive } from "./cache.js";
import type { ArchivePage } from "./search.js";
import { withAbsoluteUrls } from "./search.js";

const bodies = new WeakMap<ArchivePage, string>();

import { ArchivePageOut, ArchiveQuery, type ArchiveQueryInput } from "./schemas.js";

/** The search parameters of the API and the /archive page, read from one validated query. */
export function archiveSearchOf(q: ArchiveQueryInput, now: Date) {
  return {
    q: q.q,
    topic: q.topic,
    person: q.person,
    year: q.year,
    format: q.format,
    hasRecording: q.hasRecording,
    limit: q.limit ?? 20,
    cursor: q.cursor,
    now,
  };
}

/** Public archive search API. */
export const archiveApiRoutes = new Hono<AppEnv>().get(
  "/archive",
  describe({
    summary: "Search the archive of past events",
    description:
      "Published events that have ended, with their speakers, topics, related briefs and published recordings. " +
      "Without q: newest first. With q: ranked by relevance (a title match weighs most), each with a snippet. " +
      "Filters combine. Cursor pagination: pass nextCursor back with the same parameters. " +
      "The /archive page shows the same results for the same query string.",
    tags: ["Archive"],
    responses: {
      200: { description: "A page of archive entries", schema: ArchivePageOut },
      422: { description: "Invalid parameter (errors[] names it), e.g. year=abc or a foreign cursor" },
      429: { description: "Too many new searches from this address (SEARCH_RATE_LIMIT); see Retry-After" },
    },
  }),
  validate("query", ArchiveQuery),
  async (c) => {
    const { deps } = c.var;
    const cached = await cachedSearchArchive(
      deps.db,
      archiveSearchOf(c.req.valid("query"), deps.clock.now()),
      () => spendSearch(c),
    );
    // A cached page is serialised once (pages are immutable, so the body is keyed by the page).
    let body = bodies.get(cached);
    if (!body) {
      const page = withAbsoluteUrls(cached, deps.config);
      body = JSON.stringify({ data: page.items, nextCursor: page.nextCursor });
      bodies.set(cached, body);
    }
    // Public and identical for everyone; a short shared cache absorbs search-as-you-type bursts.
    return c.body(body, 200, { "Content-Type": "application/json", "Cache-Control": "public, max-age=60" });
  },
);
