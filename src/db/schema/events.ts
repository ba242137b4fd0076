import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { briefs, people, topics } from "./catalogue.js";
import { instant, stamps } from "./columns.js";

export const QUESTION_TYPES = ["short_text", "long_text", "single_choice", "checkbox"] as const;
export interface Question {
  id: string;
  label: string;
  type: (typeof QUESTION_TYPES)[number];
  required: boolean;
  options?: string[];
}

export const EVENT_FORMATS = ["virtual", "in_person", "hybrid"] as const;
export const EVENT_STATUSES = ["draft", "published", "cancelled"] as const;

export const events = sqliteTable(
  "events",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull().unique(),
    title: text("title").notNull(),
    summary: text("summary"),
    description: text("description"),
    format: text("format", { enum: EVENT_FORMATS }).notNull(),
    status: text("status", { enum: EVENT_STATUSES }).notNull().default("draft"),
    startsAt: instant("starts_at").notNull(),
    endsAt: instant("ends_at").notNull(),
    timeZone: text("time_zone").notNull(),
    joinUrl: text("join_url"), // private: never shown to the public or sent to attendees
    venue: text("venue"),
    capacity: integer("capacity"), // null = unlimited
    waitlist: integer("waitlist", { mode: "boolean" }).notNull().default(true),
    registrationOpensAt: instant("registration_opens_at"),
    registrationClosesAt: instant("registration_closes_at"),
    // Staff-defined registration questions (see features/registrations/questions.ts).
    questions: text("questions", { mode: "json" }).$type<Question[]>().notNull().default([]),
    // Reminder offsets before the start, ISO 8601 durations (features/reminders/offsets.ts).
    reminders: text("reminders", { mode: "json" }).$type<string[]>().notNull().default(["P1D", "PT1H"]),
    // iCalendar SEQUENCE: +1 on every change an attendee's calendar must see.
    sequence: integer("sequence").notNull().default(0),
    // +1 on every write; updates are conditional on it so concurrent edits cannot be lost.
    revision: integer("revision").notNull().default(0),
    ...stamps,
    publishedAt: instant("published_at"),
    cancelledAt: instant("cancelled_at"),
  },
  (t) => [
    index("events_status_starts").on(t.status, t.startsAt, t.id),
    index("events_starts").on(t.startsAt, t.id),
    // Feeds and the public list select by status and end time (upcoming, last 30 days); the
    // archive's version check reads updated_at and revision from this index alone.
    index("events_status_ends").on(t.status, t.endsAt, t.updatedAt, t.revision),
  ],
);

export const SPEAKER_ROLES = ["speaker", "moderator", "host"] as const;

export const eventPeople = sqliteTable(
  "event_people",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    personId: text("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "restrict" }),
    role: text("role", { enum: SPEAKER_ROLES }).notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.personId, t.role] }),
    index("event_people_person").on(t.personId),
  ],
);

export const eventTopics = sqliteTable(
  "event_topics",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    topicId: text("topic_id")
      .notNull()
      .references(() => topics.id, { onDelete: "restrict" }),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.topicId] }),
    index("event_topics_topic").on(t.topicId, t.eventId),
  ],
);

export const BRIEF_RELATIONS = ["background_reading", "published_after", "transcript_of"] as const;

export const eventBriefs = sqliteTable(
  "event_briefs",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    briefId: text("brief_id")
      .notNull()
      .references(() => briefs.id, { onDelete: "restrict" }),
    relation: text("relation", { enum: BRIEF_RELATIONS }).notNull(),
    position: integer("position").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.briefId, t.relation] }),
    index("event_briefs_brief").on(t.briefId),
  ],
);

/**
 * Counters that triggers bump on every change of a table (migration 0009): a reader that sees
 * the same count knows the table has not changed since, without reading it. "events" backs the
 * calendar feed's and the archive's versions (features/events/change-count.ts).
 */
export const changeCounters = sqliteTable("change_counters", {
  name: text("name").primaryKey(),
  n: integer("n").notNull().default(0),
});
