import { QueryBuilder } from "drizzle-orm/sqlite-core";
import { briefAuthors, briefs, briefTopics } from "../../db/schema.js";

/** Briefs and their links as other features may read them in their own statements (see events/rows.ts). */
const qb = new QueryBuilder();

export const briefRows = qb
  .select({
    id: briefs.id,
    slug: briefs.slug,
    title: briefs.title,
    kind: briefs.kind,
    url: briefs.url,
    outlet: briefs.outlet,
    publishedOn: briefs.publishedOn,
    summary: briefs.summary,
    updatedAt: briefs.updatedAt,
  })
  .from(briefs)
  .as("br");

export const briefAuthorRows = qb
  .select({ briefId: briefAuthors.briefId, personId: briefAuthors.personId, position: briefAuthors.position })
  .from(briefAuthors)
  .as("br_authors");

export const briefTopicRows = qb
  .select({ briefId: briefTopics.briefId, topicId: briefTopics.topicId })
  .from(briefTopics)
  .as("br_topics");
