import { type Db, libsqlDb, prepareLocalClient } from "../../src/db/client.js";
import { migrateLibsql } from "../../src/db/migrate-node.js";
import { openClient } from "../../src/db/open-node.js";
import { useNodeHashing } from "../../src/runtime/node-hash.js";

// The Node server hashes tokens with node:crypto (src/runtime/node-hash.ts); so do these tests.
useNodeHashing();

export const engine = "libsql" as const;

/**
 * A fresh, migrated in-memory libsql database: the real engine through the client the server
 * uses (src/db/local-client.ts), nothing shared between tests.
 */
export async function freshDb(): Promise<Db> {
  const client = openClient(":memory:");
  await prepareLocalClient(client);
  const db = libsqlDb(client);
  await migrateLibsql(db);
  return db;
}
