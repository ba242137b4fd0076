import { sql } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/sqlite-core";
import { eventBriefs, eventPeople, events, eventTopics } from "../../db/schema.js";

/**
 * Events as other features may read them in their own statements (the archive's search, pages
 * and feeds join them with recordings and the full-text index): typed row sources, subqueries
 * that SQLite flattens into the caller's statement, so plans and indexes are those of the table.
 * Only this feature names its tables; what is not listed here (the private join URL, the
 * registration questions) is not readable outside it.
 */
const qb = new QueryBuilder();

export const eventRows = qb
  .select({
    rid: sql<number>`${events}.rowid`.as("event_rid"),
    id: events.id,
    slug: events.slug,
    title: events.title,
    summary: events.summary,
    format: events.format,
    status: events.status,
    startsAt: events.startsAt,
    endsAt: events.endsAt,
    timeZone: events.timeZone,
    updatedAt: events.updatedAt,
    revision: events.revision,
  })
  .from(events)
  .as("ev");

export const eventTopicRows = qb
  .select({ eventId: eventTopics.eventId, topicId: eventTopics.topicId })
  .from(eventTopics)
  .as("ev_topics");

export const eventPersonRows = qb
  .select({
    eventId: eventPeople.eventId,
    personId: eventPeople.personId,
    role: eventPeople.role,
    position: eventPeople.position,
  })
  .from(eventPeople)
  .as("ev_people");

export const eventBriefRows = qb
  .select({
    eventId: eventBriefs.eventId,
    briefId: eventBriefs.briefId,
    relation: eventBriefs.relation,
    position: eventBriefs.position,
  })
  .from(eventBriefs)
  .as("ev_briefs");
