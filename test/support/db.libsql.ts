import { createClient } from "@libsql/client";
import { type Db, libsqlDb, prepareLocalClient } from "../../src/db/client.js";
import { migrateLibsql } from "../../src/db/migrate-node.js";

export const engine = "libsql" as const;

/** A fresh, migrated in-memory libsql database: the real engine, nothing shared between tests. */
export async function freshDb(): Promise<Db> {
  const client = createClient({ url: ":memory:" });
  await prepareLocalClient(client);
  const db = libsqlDb(client);
  await migrateLibsql(db);
  return db;
}
