import { type SQL, sql } from "drizzle-orm";

/**
 * SQL fragments for other features' statements, so that only this feature names `topics`
 * (ownership: docs/ARCHITECTURE.md). Each takes an SQL expression for a topic id or slug and
 * costs one primary-key or unique-index lookup.
 */

/** The topic id for a slug (NULL when there is none). */
export const topicIdOfSlug = (slug: SQL | string) => sql`(SELECT id FROM topics WHERE slug = ${slug})`;

/** When the topic (by slug) last changed, epoch ms (NULL when there is none). */
export const topicUpdatedAt = (slug: SQL | string) =>
  sql`(SELECT updated_at FROM topics WHERE slug = ${slug})`;

/** {"slug", "name"} as JSON text, as the API shows a topic. */
export const topicCard = (id: SQL) =>
  sql`(SELECT json_object('slug', slug, 'name', name) FROM topics WHERE id = ${id})`;

/** Topics are shown by name (binary collation), then slug. */
export const topicSortKey = (id: SQL) => sql`(SELECT name || char(0) || slug FROM topics WHERE id = ${id})`;
