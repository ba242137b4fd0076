import { applyD1Migrations, env } from "cloudflare:test";
import { type Db, d1Db } from "../../src/db/client.js";

export const engine = "d1" as const;

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    }
  }
}

let migrated = false;

/**
 * The D1 binding inside workerd, migrated with the same migrations/ as production and
 * emptied before each test, so every test starts from a fresh database as on Node.
 */
export async function freshDb(): Promise<Db> {
  if (!migrated) {
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
    migrated = true;
  }
  const { results } = await env.DB.prepare(
    // change_counters only ever grows, as in a database that was just migrated and then used.
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('d1_migrations', 'change_counters')",
  ).all<{ name: string; sql: string }>();
  // FTS5 shadow tables (<virtual>_data, _idx, ...) cannot be written; emptying the virtual table empties them.
  const virtual = results.filter((r) => r.sql.startsWith("CREATE VIRTUAL TABLE")).map((r) => r.name);
  const shadow = (name: string) => virtual.some((v) => name.startsWith(`${v}_`));
  await env.DB.batch([
    env.DB.prepare("PRAGMA defer_foreign_keys = ON"),
    ...results.filter((r) => !shadow(r.name)).map((r) => env.DB.prepare(`DELETE FROM "${r.name}"`)),
  ]);
  return d1Db(env.DB);
}
