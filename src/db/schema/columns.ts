import { integer } from "drizzle-orm/sqlite-core";

// Instants are integer milliseconds since the epoch, UTC (drizzle maps them to Date).
export const instant = (name: string) => integer(name, { mode: "timestamp_ms" });
export const stamps = {
  createdAt: instant("created_at").notNull(),
  updatedAt: instant("updated_at").notNull(),
};
