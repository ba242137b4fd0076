import { QueryBuilder } from "drizzle-orm/sqlite-core";
import { topics } from "../../db/schema.js";

/** Topics as other features may read them in their own statements (see events/rows.ts). */
export const topicRows = new QueryBuilder()
  .select({ id: topics.id, slug: topics.slug, name: topics.name, updatedAt: topics.updatedAt })
  .from(topics)
  .as("tp");
