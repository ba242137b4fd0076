import { type SQL, sql } from "drizzle-orm";

/**
 * SQL fragments for other features' statements, so that only this feature names `briefs`
 * (ownership: docs/ARCHITECTURE.md). Each costs one primary-key or unique-index lookup.
 */

/** {"slug", "title", "kind", "url", "publishedOn"} as JSON text, as events show a brief. */
export const briefCard = (id: SQL) =>
  sql`(SELECT json_object('slug', slug, 'title', title, 'kind', kind, 'url', url, 'publishedOn', published_on)
       FROM briefs WHERE id = ${id})`;
