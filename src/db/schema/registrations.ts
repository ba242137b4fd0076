import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { instant } from "./columns.js";
import { events } from "./events.js";

export const NEWSLETTER_STATES = ["requested", "confirmed", "withdrawn"] as const;
/** Where the newsletter state last changed: the form, the public API, the manage page, an unsubscribe link. */
export const NEWSLETTER_SOURCES = ["form", "api", "manage-page", "unsubscribe"] as const;

export const attendees = sqliteTable("attendees", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(), // normalised: trimmed, lower-cased
  name: text("name").notNull(),
  createdAt: instant("created_at").notNull(),
  updatedAt: instant("updated_at").notNull(),
  erasedAt: instant("erased_at"), // "delete my data": email and name replaced, counts kept
  // The newsletter opt-in (migration 0013), double opt-in: the form only records a request; the
  // emailed manage page (the mailbox) confirms it. The state's CHECK is in the migration.
  newsletterState: text("newsletter_state", { enum: NEWSLETTER_STATES }),
  newsletterAt: instant("newsletter_at"),
  newsletterSource: text("newsletter_source", { enum: NEWSLETTER_SOURCES }),
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
    // The personal join link's secret, made once (migration 0012 says why it is not hashed).
    joinKey: text("join_key"),
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

export const TOKEN_KINDS = ["manage", "join", "feed", "unsubscribe"] as const;

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
