import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { instant, stamps } from "./columns.js";

/**
 * Staff's webhook receivers (issue 15, Standard Webhooks). The secret is kept as given out
 * (`whsec_...`): every send signs with it, so a hash would not do. A disabled endpoint says why
 * and since when (a 410, or failing for a whole retry span); nothing is queued for it then.
 * Its deliveries are outbox rows (channel 'webhook', dedupe key `wh:<endpoint id>:<message id>`).
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
