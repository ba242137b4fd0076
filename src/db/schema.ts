import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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

// ---- Registration (issue 3) ----

export const attendees = sqliteTable("attendees", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(), // normalised: trimmed, lower-cased
  name: text("name").notNull(),
  createdAt: instant("created_at").notNull(),
  updatedAt: instant("updated_at").notNull(),
  erasedAt: instant("erased_at"), // "delete my data": email and name replaced, counts kept
});

export const REGISTRATION_STATUSES = ["confirmed", "waitlisted", "cancelled"] as const;

export const registrations = sqliteTable(
  "registrations",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    attendeeId: text("attendee_id")
      .notNull()
      .references(() => attendees.id, { onDelete: "cascade" }),
    status: text("status", { enum: REGISTRATION_STATUSES }).notNull(),
    // Arrival order on the waitlist (1, 2, 3...); kept after promotion. A person's place in the
    // queue is their rank among those still waitlisted.
    waitlistPosition: integer("waitlist_position"),
    answers: text("answers", { mode: "json" }).$type<Record<string, string | boolean>>().notNull(),
    consentAt: instant("consent_at").notNull(),
    createdAt: instant("created_at").notNull(),
    updatedAt: instant("updated_at").notNull(),
    confirmedAt: instant("confirmed_at"),
    cancelledAt: instant("cancelled_at"),
    // Id of the operation that last changed the status, so the later statements of that
    // operation's batch (tokens, outbox rows) can address exactly the rows it changed.
    opId: text("op_id"),
    attendedAt: instant("attended_at"),
    remindersOptOut: integer("reminders_opt_out", { mode: "boolean" }).notNull().default(false),
  },
  (t) => [
    uniqueIndex("registrations_event_attendee").on(t.eventId, t.attendeeId),
    index("registrations_event_status").on(t.eventId, t.status, t.waitlistPosition),
    index("registrations_attendee").on(t.attendeeId),
    index("registrations_op").on(t.opId),
  ],
);

/**
 * How many registrations of an event are confirmed and waitlisted, kept by triggers on
 * `registrations` (migration 0007) inside the statement that changes a status, so no write path
 * can forget it. It turns the seat decision and a new waitlister's place in the queue from a
 * count over the event's registrations (linear in the waitlist) into one row read.
 */
export const registrationCounts = sqliteTable("registration_counts", {
  eventId: text("event_id")
    .primaryKey()
    .references(() => events.id, { onDelete: "cascade" }),
  confirmed: integer("confirmed").notNull().default(0),
  waitlisted: integer("waitlisted").notNull().default(0),
});

/**
 * Counters that triggers bump on every change of a table (migration 0009): a reader that sees
 * the same count knows the table has not changed since, without reading it. "events" backs the
 * calendar feed's and the archive's versions (features/events/change-count.ts).
 */
export const changeCounters = sqliteTable("change_counters", {
  name: text("name").primaryKey(),
  n: integer("n").notNull().default(0),
});

export const TOKEN_KINDS = ["manage", "join", "feed"] as const;

/**
 * Capability tokens (manage page, personal join link, calendar feed). Only a key is stored:
 * the token's time prefix and a SHA-256 hash of it (lib/tokens.ts tokenKey); each email mints
 * its own token, so any message can carry working links.
 */
export const accessTokens = sqliteTable(
  "access_tokens",
  {
    hash: text("hash").primaryKey(),
    kind: text("kind", { enum: TOKEN_KINDS }).notNull(),
    registrationId: text("registration_id").references(() => registrations.id, { onDelete: "cascade" }),
    attendeeId: text("attendee_id").references(() => attendees.id, { onDelete: "cascade" }),
    createdAt: instant("created_at").notNull(),
    revokedAt: instant("revoked_at"),
  },
  (t) => [
    index("access_tokens_registration").on(t.registrationId),
    // Partial: only feed tokens have an attendee, so the manage and join tokens every
    // registration and email mints leave this index (and its page in the COMMIT) alone.
    index("access_tokens_attendee").on(t.attendeeId).where(sql`${t.attendeeId} IS NOT NULL`),
  ],
);

export const OUTBOX_STATUSES = ["pending", "sending", "sent", "dead"] as const;

/**
 * Every email (and later webhook) to send, written in the same batch as the change that
 * causes it. Rows hold a template name and parameters, not rendered text: the dispatcher
 * renders at send time, minting the message's tokens, so no secret sits in this table.
 */
export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    dedupeKey: text("dedupe_key").notNull().unique(),
    channel: text("channel", { enum: ["email", "webhook"] })
      .notNull()
      .default("email"),
    template: text("template").notNull(),
    params: text("params", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    eventId: text("event_id"),
    registrationId: text("registration_id"),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: instant("next_attempt_at").notNull(),
    claimId: text("claim_id"),
    claimedUntil: instant("claimed_until"),
    lastError: text("last_error"),
    createdAt: instant("created_at").notNull(),
    sentAt: instant("sent_at"),
    // The reminder (or recording notice) this message fans out from; counted per reminder.
    reminderId: text("reminder_id"),
  },
  (t) => [
    index("outbox_due").on(t.status, t.nextAttemptAt),
    // Partial for the same reason: confirmations and invitations have no reminder.
    index("outbox_reminder").on(t.reminderId, t.status).where(sql`${t.reminderId} IS NOT NULL`),
    // No index on event_id or registration_id: no query looks messages up by them, and each
    // index cost every group commit of registrations ~2 more pages (migration 0010).
  ],
);

/** Fixed-window counters for rate limits, shared by every process on the database. */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    window: integer("window").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.window] })],
);

// ---- Archive (issue 6) ----

export const RECORDING_KINDS = ["video", "audio", "transcript", "slides"] as const;
export const RECORDING_PROVIDERS = ["youtube", "vimeo", "file"] as const;

export const recordings = sqliteTable(
  "recordings",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: RECORDING_KINDS }).notNull(),
    provider: text("provider", { enum: RECORDING_PROVIDERS }).notNull(),
    url: text("url").notNull(),
    title: text("title"),
    durationSeconds: integer("duration_seconds"),
    published: integer("published", { mode: "boolean" }).notNull().default(false),
    publishedAt: instant("published_at"),
    // Seeded or example recordings say so wherever they are shown.
    demo: integer("demo", { mode: "boolean" }).notNull().default(false),
    position: integer("position").notNull().default(0),
    ...stamps,
  },
  (t) => [
    index("recordings_event").on(t.eventId),
    index("recordings_published").on(t.published, t.publishedAt),
  ],
);

export const recordingChapters = sqliteTable(
  "recording_chapters",
  {
    recordingId: text("recording_id")
      .notNull()
      .references(() => recordings.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    startSeconds: integer("start_seconds").notNull(),
    title: text("title").notNull(),
    briefId: text("brief_id").references(() => briefs.id, { onDelete: "set null" }),
  },
  (t) => [
    primaryKey({ columns: [t.recordingId, t.position] }),
    index("recording_chapters_brief").on(t.briefId),
  ],
);

export const REMINDER_KINDS = ["before_start", "recording"] as const;
/**
 * scheduled: waits for due_at; fanning: claimed by a due-work run, which is queueing one outbox
 * message per registrant from `cursor` on; done: all queued; skipped: its moment had passed
 * (downtime past the start, or already past when scheduled); dropped: cancelled or removed.
 */
export const REMINDER_STATUSES = ["scheduled", "fanning", "done", "skipped", "dropped"] as const;

export const reminders = sqliteTable(
  "reminders",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: REMINDER_KINDS }).notNull(),
    // The ISO 8601 offset before the start ("P1D"), or "recording" for the recording notice.
    offsetIso: text("offset_iso").notNull(),
    dueAt: instant("due_at").notNull(),
    status: text("status", { enum: REMINDER_STATUSES }).notNull().default("scheduled"),
    skipReason: text("skip_reason"),
    claimId: text("claim_id"),
    claimedUntil: instant("claimed_until"),
    // Fan-out progress: the last registration id queued (registrations are walked by id).
    cursor: text("cursor"),
    doneAt: instant("done_at"),
    ...stamps,
  },
  (t) => [
    uniqueIndex("reminders_event_offset").on(t.eventId, t.offsetIso),
    index("reminders_due").on(t.status, t.dueAt),
  ],
);
