import { type SQL, sql } from "drizzle-orm";

/**
 * SQL fragments for other features' statements, so that only this feature names `people`
 * (ownership: docs/ARCHITECTURE.md). Each costs one primary-key or unique-index lookup.
 */

/** The person id for a slug (NULL when there is none). */
export const personIdOfSlug = (slug: SQL | string) => sql`(SELECT id FROM people WHERE slug = ${slug})`;

/** {"slug", "name", "title", "affiliation", "photoUrl"} as JSON text, as events show a speaker. */
export const personCard = (id: SQL) =>
  sql`(SELECT json_object('slug', slug, 'name', name, 'title', title, 'affiliation', affiliation, 'photoUrl', photo_url)
       FROM people WHERE id = ${id})`;

/** {"slug", "name", "title"} as JSON text, as briefs show an author. */
export const authorCard = (id: SQL) =>
  sql`(SELECT json_object('slug', slug, 'name', name, 'title', title) FROM people WHERE id = ${id})`;
