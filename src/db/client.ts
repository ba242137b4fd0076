import type { Client } from "@libsql/client";
import { drizzle as drizzleD1 } from "drizzle-orm/d1";
import { drizzle as drizzleLibsql } from "drizzle-orm/libsql";
import { markEngine } from "./batch.js";
import type { Db } from "./db.js";
import * as schema from "./schema.js";

/**
 * The database handle every query takes. libsql and D1 expose the same async SQLite API
 * through drizzle (select/insert/update/delete, returning, batch), so the app is typed
 * against one of them and the D1 handle is used through the same type. We only use the
 * common subset: no interactive transactions, every write is one statement or one batch,
 * and affected rows are read with `.returning()` rather than driver-specific run results.
 */
export type { Db };

export function libsqlDb(client: Client): Db {
  return markEngine(drizzleLibsql(client, { schema }), "libsql", client);
}

export function d1Db(binding: D1Database): Db {
  return markEngine(drizzleD1(binding, { schema }) as unknown as Db, "d1", binding);
}

/** Pragmas for the embedded engine: WAL for concurrent readers, FKs on (D1 has them on). */
export async function prepareLocalClient(client: Client): Promise<void> {
  await client.execute("PRAGMA foreign_keys = ON");
  await client.execute("PRAGMA busy_timeout = 5000");
  // A commit is on disk before it returns: the WAL is fsynced at every COMMIT.
  await client.execute("PRAGMA synchronous = FULL");
  const mode = await client.execute("PRAGMA journal_mode");
  if (String(mode.rows[0]?.[0]).toLowerCase() !== "memory") await client.execute("PRAGMA journal_mode = WAL");
}
