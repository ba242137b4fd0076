/**
 * The database: one interface, `Db` (drizzle), on every engine. Node reaches a file or memory
 * database through LocalClient (local-client.ts), a libsql server through @libsql/client, and
 * Workers use D1; features never see which, and never call a client directly.
 *
 * One way to build SQL for each need:
 * - Ordinary CRUD (read rows, write one table): drizzle's builders, `db.select()`,
 *   `db.insert()`, `db.update()`, `db.delete()`, with `.returning()` for what a write changed.
 * - Raw SQL whose text varies (dynamic filters, json_object documents, FTS, CTEs): drizzle's
 *   `sql` template, run with `sqlAll(db, sql`...`)` for one statement's rows as plain objects.
 * - Fixed texts on hot paths (the registration): `q`...`` (batch.ts), the text built once per
 *   call site and every value a parameter.
 * - Every multi-statement atomic write: `sqlBatch(db, [...])`, which takes builders, `sql` and
 *   `q` statements alike and is one atomic batch on every engine (drizzle's own batch refuses
 *   raw `sql` on D1). drizzle's `db.batch([...])` of builders, which older services use, now
 *   commits exactly as sqlBatch does.
 *
 * One commit path: on LocalClient every write commits through group commit (group-commit.ts),
 * whichever of these made it (sqlBatch, db.batch, a builder write, sqlAll of an UPDATE), with
 * the results and errors @libsql/client would give; reads run at once. On @libsql/client and on
 * D1 a batch is one transaction of its own and a single statement commits alone.
 * Not used, because D1 lacks them or a remote round trip makes them costly: interactive
 * transactions (`db.transaction`), and reading in one call to decide a write in the next (see
 * docs/ARCHITECTURE.md, "Atomicity rules").
 */

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
