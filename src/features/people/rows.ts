import { QueryBuilder } from "drizzle-orm/sqlite-core";
import { people } from "../../db/schema.js";

/** People as other features may read them in their own statements (see events/rows.ts). */
export const personRows = new QueryBuilder()
  .select({
    id: people.id,
    slug: people.slug,
    name: people.name,
    title: people.title,
    affiliation: people.affiliation,
    photoUrl: people.photoUrl,
    updatedAt: people.updatedAt,
  })
  .from(people)
  .as("pp");
