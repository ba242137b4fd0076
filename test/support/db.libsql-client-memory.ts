import { createClient } from "@libsql/client";
import { type Db, libsqlDb, prepareLocalClient } from "../../src/db/client.js";
import { migrateLibsql } from "../../src/db/migrate-node.js";
import { useNodeHashing } from "../../src/runtime/node-hash.js";

// As the Node server and test/support/db.libsql.ts: tokens hashed with node:crypto.
useNodeHashing();

export const engine = "libsql" as const;

/**
 * A fresh, migrated in-memory database through the real @libsql/client (the client every
 * remote database gets), not LocalClient. @libsql/client gives `:memory:` a single
 * connection, since a second one would be a second, empty database.
 */
export async function freshDb(): Promise<Db> {
  const client = createClient({ url: ":memory:" });
  await prepareLocalClient(client);
  const db = libsqlDb(client);
  await migrateLibsql(db);
  return db;
}
