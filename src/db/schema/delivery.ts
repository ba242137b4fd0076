import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { instant, stamps } from "./columns.js";
import { events } from "./events.js";

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
    // Closed webhook deliveries by age, for their retention (webhooks/retention.ts). Partial: a
    // row enters it only when its delivery closes, so no email row and no registration's commit
    // ever writes to it.
    index("outbox_webhook_closed")
      .on(t.createdAt)
      .where(sql`${t.channel} = 'webhook' AND ${t.status} IN ('sent', 'dead')`),
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
