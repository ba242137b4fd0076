import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { instant, stamps } from "./columns.js";

/**
 * Staff's webhook receivers (issue 15, Standard Webhooks). The secret is kept as given out
 * (`whsec_...`): every send signs with it, so a hash would not do. A disabled endpoint says why
 * and since when (a 410, or failing for a whole retry span); nothing is queued for it then.
 * Its deliveries are outbox rows (channel 'webhook', dedupe key `wh:<endpoint id>:<message id>`),
 * fanned out from `webhook_messages` below.
 */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  eventTypes: text("event_types", { mode: "json" }).$type<string[]>().notNull(),
  secret: text("secret").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  disabledReason: text("disabled_reason"),
  disabledAt: instant("disabled_at"),
  // The last 2xx: a message that dies after a whole retry span with none since it was queued
  // disables the endpoint.
  lastSuccessAt: instant("last_success_at"),
  ...stamps,
});

/**
 * Webhook messages not yet fanned out to their endpoints: ONE row per message, written in the
 * batch of the change (the payload built once, however many endpoints want it), and expanded
 * into one outbox row per endpoint by the due work, which deletes it in the same batch
 * (webhooks/expand.ts). The hot path (a registration) therefore writes one small row at the
 * right edge of one b-tree instead of an outbox row per endpoint with four index entries each.
 * No index but the rowid: the table holds only what the next run will expand.
 */
export const webhookMessages = sqliteTable("webhook_messages", {
  seq: integer("seq").primaryKey(),
  // The message id (`webhook-id`), derived from the change: the same for every endpoint.
  webhookId: text("webhook_id").notNull(),
  type: text("type").notNull(),
  data: text("data").notNull(),
  eventId: text("event_id"),
  registrationId: text("registration_id"),
  createdAt: instant("created_at").notNull(),
});
