import { type Client, createClient, LibsqlError, type Row } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { integer, sqliteTable } from "drizzle-orm/sqlite-core";
import { afterEach, describe, expect, it } from "vitest";
import { sqlAll, sqlBatch } from "../../src/db/batch.js";
import { type Db, libsqlDb } from "../../src/db/client.js";
import { LocalClient } from "../../src/db/local-client.js";

// Corners where a thin client could drift from @libsql/client, which the rest of the app and
// drizzle were written against. Each is checked against the real @libsql/client.

const cleanups: (() => unknown)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function clients() {
  const local = new LocalClient(":memory:");
  const reference = createClient({ url: ":memory:" });
  cleanups.push(
    () => local.close(),
    () => reference.close(),
  );
  return { local, reference };
}

const shape = (row: Row) => ({
  keys: Object.keys(row),
  length: row.length,
  values: Array.from({ length: row.length }, (_, i) => row[i]),
});

describe("the local client next to @libsql/client", () => {
  it("reads a table again after it is dropped and created with its columns in another order", async () => {
    for (const client of Object.values(clients())) {
      await client.execute("CREATE TABLE t (a TEXT, b TEXT)");
      await client.execute("INSERT INTO t VALUES ('A', 'B')");
      expect((await client.execute("SELECT * FROM t")).rows[0]).toMatchObject({ a: "A", b: "B" });
      await client.execute("DROP TABLE t");
      await client.execute("CREATE TABLE t (b TEXT, a TEXT)");
      await client.execute("INSERT INTO t (a, b) VALUES ('A', 'B')");
      const { columns, rows } = await client.execute("SELECT * FROM t");
      expect(columns).toEqual(["b", "a"]);
      expect(rows[0]).toMatchObject({ a: "A", b: "B" });
    }
  });

  it("sees a column added after a statement was first run", async () => {
    for (const client of Object.values(clients())) {
      await client.execute("CREATE TABLE t (a TEXT)");
      await client.execute("INSERT INTO t VALUES ('A')");
      await client.execute("SELECT * FROM t");
      await client.execute("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'B'");
      const { columns, rows } = await client.execute("SELECT * FROM t");
      expect(columns).toEqual(["a", "b"]);
      expect(shape(rows[0]!).values).toEqual(["A", "B"]);
    }
  });

  it("gives rows the same keys, in column order, even for columns named length or 1", async () => {
    const { local, reference } = clients();
    for (const sql of [
      "SELECT 1 AS id, 2 AS name, 3 AS email",
      "SELECT 1 AS length, 2 AS x",
      "SELECT 5 AS x, 6 AS '1'",
    ]) {
      const [mine] = (await local.execute(sql)).rows;
      const [theirs] = (await reference.execute(sql)).rows;
      expect(shape(mine!)).toEqual(shape(theirs!));
    }
  });

  it("keeps its own bookkeeping out of a row's enumerable properties", async () => {
    const { local } = clients();
    const [row] = (await local.execute("SELECT 1 AS a")).rows;
    expect({ ...row }).toEqual({ a: 1 });
    expect(
      Object.getOwnPropertySymbols(row).filter((s) => Object.getOwnPropertyDescriptor(row, s)?.enumerable),
    ).toEqual([]);
  });

  it("refuses an integer a JavaScript number cannot hold, rather than rounding it", async () => {
    for (const client of Object.values(clients())) {
      await expect(client.execute("SELECT 9007199254740993 AS n")).rejects.toThrow(RangeError);
      expect((await client.execute("SELECT 9007199254740991 AS n")).rows[0]!.n).toBe(9007199254740991);
    }
  });

  it("reports a failing script as a LibsqlError", async () => {
    for (const client of Object.values(clients())) {
      const err = await client.executeMultiple("SELECT * FROM nope").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LibsqlError);
      expect(String((err as Error).message)).toContain("no such table");
    }
  });

  it("answers a migration on a closed client with CLIENT_CLOSED", async () => {
    for (const client of Object.values(clients())) {
      client.close();
      await expect(client.migrate([{ sql: "SELECT 1", args: [] }])).rejects.toMatchObject({
        code: "CLIENT_CLOSED",
      });
    }
  });
});

/** t(x UNIQUE) as drizzle sees it. */
const t = sqliteTable("t", { x: integer("x").notNull().unique() });

/** Everything a caller can see of an error, and of its causes. */
function errorShape(err: unknown, depth = 0): Record<string, unknown> {
  const e = err as LibsqlError & { statementIndex?: number };
  return {
    type: e.constructor.name,
    name: e.name,
    message: e.message,
    code: e.code,
    extendedCode: e.extendedCode,
    rawCode: e.rawCode,
    statementIndex: e.statementIndex,
    cause: e.cause && depth < 3 ? errorShape(e.cause, depth + 1) : undefined,
  };
}

const settledShape = (settled: PromiseSettledResult<unknown>[]) =>
  settled.map((s) => (s.status === "fulfilled" ? { ok: s.value } : { error: errorShape(s.reason) }));

/**
 * Runs `scenario` on a fresh LocalClient and a fresh @libsql/client, each with t(x UNIQUE),
 * and returns both answers, with what LocalClient's group committed meanwhile.
 */
async function onBoth<T>(scenario: (client: Client, db: Db) => Promise<T>) {
  const { local, reference } = clients();
  const answers: T[] = [];
  let grouped = { transactions: 0, batches: 0 };
  for (const client of [local as unknown as Client, reference]) {
    await client.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)");
    const before = { ...local.group.stats };
    answers.push(await scenario(client, libsqlDb(client)));
    if (client === (local as unknown as Client)) {
      grouped = {
        transactions: local.group.stats.transactions - before.transactions,
        batches: local.group.stats.batches - before.batches,
      };
    }
  }
  const rows = async (client: Client) =>
    (await client.execute("SELECT x FROM t ORDER BY x")).rows.map((r) => r.x);
  return {
    local: answers[0]!,
    reference: answers[1]!,
    rows: { local: await rows(local as unknown as Client), reference: await rows(reference) },
    grouped,
  };
}

describe("writes through every API, next to @libsql/client", () => {
  it("fail with the same errors: code, extended code, message, and the failing statement of a batch", async () => {
    const { local, reference } = await onBoth(async (client, db) => {
      await client.execute("INSERT INTO t (x) VALUES (1)");
      const attempts = [
        () => client.execute("INSERT INTO t (x) VALUES (1)"),
        () => client.execute("SELEC 1"),
        () => client.batch(["INSERT INTO t (x) VALUES (2)", "INSERT INTO t (x) VALUES (1)"], "write"),
        () => client.batch(["INSERT INTO t (x) VALUES (3)", "INSERT INTO nope VALUES (1)"]),
        () => client.batch(["SELECT 1", "SELECT * FROM nope"], "read"),
        () =>
          client.migrate([
            { sql: "CREATE TABLE u (a)", args: [] },
            { sql: "CREATE TABLE u (a)", args: [] },
          ]),
        () => db.insert(t).values({ x: 1 }),
        () => db.batch([db.insert(t).values({ x: 4 }), db.update(t).set({ x: 1 }).where(eq(t.x, 4))]),
        () => sqlBatch(db, [sql`INSERT INTO t (x) VALUES (5)`, sql`INSERT INTO t (x) VALUES (5)`]),
        () => sqlAll(db, sql`INSERT INTO t (x) VALUES (1) RETURNING x`),
      ];
      const errors = [];
      for (const attempt of attempts) errors.push(errorShape(await attempt().catch((e: unknown) => e)));
      return errors;
    });
    expect(local).toEqual(reference);
    expect(local.map((e) => e.type)).toEqual([
      "LibsqlError",
      "LibsqlError",
      "LibsqlBatchError",
      "LibsqlBatchError",
      "LibsqlBatchError",
      "LibsqlBatchError",
      // drizzle wraps what the client threw; its cause is the client's error
      "DrizzleQueryError",
      "LibsqlBatchError",
      "LibsqlBatchError",
      "LibsqlError",
    ]);
  });

  it("give the same results: rows affected, last rowid, RETURNING rows, drizzle's answers", async () => {
    const { local, reference, rows, grouped } = await onBoth(async (client, db) => {
      const execute = await client.execute("INSERT INTO t (x) VALUES (?)", [1]);
      const returning = await db
        .insert(t)
        .values([{ x: 2 }, { x: 3 }])
        .returning();
      const update = await db
        .update(t)
        .set({ x: sql`${t.x} * 10` })
        .where(eq(t.x, 3));
      const batch = await db.batch([
        db.insert(t).values({ x: 4 }),
        db.delete(t).where(eq(t.x, 2)).returning({ gone: t.x }),
        db.select().from(t).orderBy(t.x),
      ]);
      const shape = (r: { rowsAffected: number; lastInsertRowid?: bigint | undefined }) => ({
        rowsAffected: r.rowsAffected,
        lastInsertRowid: r.lastInsertRowid,
      });
      return {
        execute: shape(execute),
        returning,
        update: shape(update),
        batch: [shape(batch[0]), ...batch.slice(1)],
      };
    });
    expect(local).toEqual(reference);
    expect(local.batch[2]).toEqual([{ x: 1 }, { x: 4 }, { x: 30 }]);
    expect(rows.local).toEqual(rows.reference);
    // Every one of those writes went through LocalClient's group commit.
    expect(grouped.batches).toBe(4);
  });

  it("roll back a drizzle db.batch that fails midway alone; a batch committed with it keeps its rows", async () => {
    const { local, reference, rows, grouped } = await onBoth(async (_client, db) => {
      await db.insert(t).values({ x: 0 });
      const settled = await Promise.allSettled([
        db.batch([db.insert(t).values({ x: 1 }), db.insert(t).values({ x: 2 })]),
        // Its second statement repeats x = 0, after its first has inserted 10.
        db.batch([
          db.insert(t).values({ x: 10 }),
          db.insert(t).values({ x: 0 }),
          db.insert(t).values({ x: 11 }),
        ]),
        sqlBatch(db, [sql`INSERT INTO t (x) VALUES (3)`]),
        db.insert(t).values({ x: 4 }),
      ]);
      return settledShape(settled).map((s) => ("ok" in s ? "ok" : s.error));
    });
    expect(local).toEqual(reference);
    expect(local.filter((s) => s !== "ok")).toHaveLength(1);
    expect(local[1]).toMatchObject({ message: expect.stringContaining("UNIQUE constraint failed: t.x") });
    expect(rows.local).toEqual([0, 1, 2, 3, 4]);
    expect(rows.reference).toEqual(rows.local);
    // The four writes came in one turn: tried together (that transaction rolled back, so it is
    // not counted), then each run again alone; three committed.
    expect(grouped).toEqual({ transactions: 1 + 3, batches: 1 + 3 });
  });

  it("reject a single failing drizzle write alone; the writes grouped with it commit", async () => {
    const { local, reference, rows, grouped } = await onBoth(async (_client, db) => {
      await db.insert(t).values({ x: 0 });
      const settled = await Promise.allSettled(
        [1, 2, 0, 3, 4].map((x) => db.insert(t).values({ x }).returning()),
      );
      return settledShape(settled).map((s) => ("ok" in s ? s.ok : (s.error.type as string)));
    });
    expect(local).toEqual(reference);
    expect(local).toEqual([[{ x: 1 }], [{ x: 2 }], "DrizzleQueryError", [{ x: 3 }], [{ x: 4 }]]);
    expect(rows.local).toEqual([0, 1, 2, 3, 4]);
    expect(rows.reference).toEqual(rows.local);
    // Tried together, rolled back, then run again alone: the four good ones committed.
    expect(grouped).toEqual({ transactions: 1 + 4, batches: 1 + 4 });
  });
});
