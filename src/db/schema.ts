/**
 * The database schema, one file per owner group (src/db/schema/); which feature owns each table
 * is declared in scripts/table-owners.mjs and shown in docs/ARCHITECTURE.md. Features import
 * their own tables from here; drizzle-kit reads this file to generate migrations.
 */
export * from "./schema/archive.js";
export * from "./schema/catalogue.js";
export * from "./schema/delivery.js";
export * from "./schema/events.js";
export * from "./schema/registrations.js";
export * from "./schema/staff.js";
export * from "./schema/webhooks.js";
