import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { inject } from "vitest";
import { type Db, libsqlDb, prepareLocalClient } from "../../src/db/client.js";
import { migrateLibsql } from "../../src/db/migrate-node.js";
import { useNodeHashing } from "../../src/runtime/node-hash.js";

// As the Node server and test/support/db.libsql.ts: tokens hashed with node:crypto.
useNodeHashing();

export const engine = "libsql" as const;

declare module "vitest" {
  export interface ProvidedContext {
    /** A temporary directory for this run's database files (db.libsql-client-file.setup.ts). */
    libsqlClientFileDir: string;
  }
}

/**
 * A fresh, migrated database in a new file, through the real @libsql/client (its file client,
 * a pool of connections) rather than LocalClient. The files live in one temporary directory
 * per run, removed when the run ends.
 *
 * prepareLocalClient's pragmas reach the one connection it happens to borrow; a connection the
 * pool opens later has libsql's defaults, which already are foreign keys on and synchronous
 * FULL (journal_mode WAL is kept in the file). Only busy_timeout differs, and nothing here
 * waits on a lock: every call runs synchronously on this one thread.
 */
export async function freshDb(): Promise<Db> {
  const path = join(inject("libsqlClientFileDir"), `${randomUUID()}.db`);
  const client = createClient({ url: `file:${path}` });
  await prepareLocalClient(client);
  const db = libsqlDb(client);
  await migrateLibsql(db);
  return db;
}
