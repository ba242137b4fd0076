import { type SQL, sql } from "drizzle-orm";

/**
 * SQL fragments for other features' statements, so that only this feature names `briefs`
 * (ownership: docs/ARCHITECTURE.md). Each costs one primary-key or unique-index lookup.
 */

/** {"slug", "title"} as JSON text (NULL for a NULL id): how a recording's chapter names its brief. */
export const briefRef = (id: SQL) =>
  sql`(SELECT json_object('slug', slug, 'title', title) FROM briefs WHERE id = ${id})`;

/** The brief's slug (NULL for a NULL id). */
export const briefSlug = (id: SQL) => sql`(SELECT slug FROM briefs WHERE id = ${id})`;

/** {"slug", "title", "kind", "url", "publishedOn"} as JSON text, as events show a brief. */
export const briefCard = (id: SQL) =>
  sql`(SELECT json_object('slug', slug, 'title', title, 'kind', kind, 'url', url, 'publishedOn', published_on)
       FROM briefs WHERE id = ${id})`;
