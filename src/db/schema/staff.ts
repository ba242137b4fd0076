import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { instant } from "./columns.js";

export const SCOPES = [
  "events:read",
  "events:write",
  "registrations:read",
  "registrations:write",
  "archive:write",
  "metrics:read",
  "webhooks:write",
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
