import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Instants are integer milliseconds since the epoch, UTC (drizzle maps them to Date).
const instant = (name: string) => integer(name, { mode: "timestamp_ms" });
const stamps = {
  createdAt: instant("created_at").notNull(),
  updatedAt: instant("updated_at").notNull(),
};

export const topics = sqliteTable("topics", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  ...stamps,
});

export const people = sqliteTable("people", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  title: text("title"),
  affiliation: text("affiliation"),
  bio: text("bio"),
  photoUrl: text("photo_url"),
  ...stamps,
});

export const BRIEF_KINDS = ["brief", "explainer", "report", "op-ed", "in-the-media"] as const;

export const briefs = sqliteTable("briefs", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  title: text("title").notNull(),
  kind: text("kind", { enum: BRIEF_KINDS }).notNull(),
  url: text("url"),
  outlet: text("outlet"),
  publishedOn: text("published_on"), // a calendar date, YYYY-MM-DD: briefs have no time of day
  summary: text("summary"),
  ...stamps,
});

export const briefAuthors = sqliteTable(
  "brief_authors",
  {
    briefId: text("brief_id")
      .notNull()
      .references(() => briefs.id, { onDelete: "cascade" }),
    personId: text("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "restrict" }),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.briefId, t.personId] }), index("brief_authors_person").on(t.personId)],
);

export const briefTopics = sqliteTable(
  "brief_topics",
  {
    briefId: text("brief_id")
      .notNull()
      .references(() => briefs.id, { onDelete: "cascade" }),
    topicId: text("topic_id")
      .notNull()
      .references(() => topics.id, { onDelete: "restrict" }),
  },
  (t) => [primaryKey({ columns: [t.briefId, t.topicId] }), index("brief_topics_topic").on(t.topicId)],
);

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

export const SCOPES = [
  "events:read",
  "events:write",
  "registrations:read",
  "registrations:write",
  "archive:write",
  "admin",
] as const;
export type Scope = (typeof SCOPES)[number];

export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  prefix: text("prefix").notNull().unique(), // shown to humans and used to find the row
  hash: text("hash").notNull(), // SHA-256 of the whole key; the key itself is never stored
  scopes: text("scopes", { mode: "json" }).$type<Scope[]>().notNull(),
  createdAt: instant("created_at").notNull(),
  lastUsedAt: instant("last_used_at"),
  revokedAt: instant("revoked_at"),
});

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: instant("at").notNull(),
    keyId: text("key_id"),
    keyName: text("key_name"),
    action: text("action").notNull(), // e.g. "event.publish"
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    requestId: text("request_id"),
  },
  (t) => [index("audit_entity").on(t.entityType, t.entityId), index("audit_at").on(t.at)],
);
