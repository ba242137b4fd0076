import { eq, sql } from "drizzle-orm";
import { integer, sqliteTable } from "drizzle-orm/sqlite-core";
import { afterEach, describe, expect, it } from "vitest";
import { sqlAll, sqlBatch } from "../../src/db/batch.js";
import { changesRows } from "../../src/db/local-client.js";
import { cleanups, clientWithTable, dbOf, insert, statsDuring, stmt, xs } from "../support/group-commit.js";

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("a closed client", () => {
  it("rejects grouped batches, including those started just before it closed", async () => {
    const client = await clientWithTable();
    const pending = client.group.batch([stmt("INSERT INTO t (x) VALUES (?)", 1)]);
    client.close();
    await expect(pending).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    await expect(client.group.batch([stmt("SELECT 1")])).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
  });
});

/** t(x UNIQUE) as drizzle sees it. */
const t = sqliteTable("t", { x: integer("x").notNull().unique() });

describe("every write path of LocalClient", () => {
  it("commits through the group: sqlBatch, drizzle's db.batch and single writes, and the client's own calls", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    await client.execute("INSERT INTO t (x) VALUES (100), (200)");
    const { transactions, batches } = await statsDuring(client, () =>
      Promise.all([
        sqlBatch(db, [insert(1)]),
        db.batch([db.insert(t).values({ x: 2 }), db.insert(t).values({ x: 3 })]),
        db.insert(t).values({ x: 4 }),
        db.update(t).set({ x: 101 }).where(eq(t.x, 100)),
        db.delete(t).where(eq(t.x, 200)),
        db.run(sql`INSERT INTO t (x) VALUES (5)`),
        db.all(sql`WITH v(x) AS (VALUES (6)) INSERT INTO t (x) SELECT x FROM v RETURNING x`),
        client.execute("INSERT INTO t (x) VALUES (7)"),
        client.batch([stmt("INSERT INTO t (x) VALUES (?)", 8)], "write"),
        sqlAll(db, sql`INSERT INTO t (x) VALUES (9) RETURNING x`),
      ]),
    );
    expect({ transactions, batches }).toEqual({ transactions: 1, batches: 10 });
    expect(await xs(client)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 101]);
  });

  it("leaves reads, schema changes and pragmas out of it: they run at once", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    const { batches } = await statsDuring(client, async () => {
      await db.select().from(t);
      expect(await sqlAll(db, sql`SELECT count(*) AS n FROM t`)).toEqual([{ n: 0 }]);
      await db.all(sql`WITH v(x) AS (VALUES (1)) SELECT x FROM v`);
      await client.execute("SELECT count(*) FROM t");
      await client.batch(["SELECT 1", "SELECT 2"]);
      await client.batch([stmt("SELECT x FROM t")], "read");
      await client.execute("CREATE INDEX t_x ON t (x)");
      await client.execute("PRAGMA foreign_keys = ON");
    });
    expect(batches).toBe(0);
    // A pragma that is a no-op inside a transaction did take effect.
    expect((await client.execute("PRAGMA foreign_keys")).rows[0]![0]).toBe(1);
  });

  it("keeps a write inside a transaction begun by hand in that transaction", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    const { batches } = await statsDuring(client, async () => {
      await client.execute("BEGIN");
      await db.insert(t).values({ x: 1 });
      await client.batch([stmt("INSERT INTO t (x) VALUES (?)", 2)], "write").catch(() => undefined);
      await client.execute("ROLLBACK");
    });
    expect(batches).toBe(0);
    expect(await xs(client)).toEqual([]);
    expect(client.inTransaction).toBe(false);
  });

  it("keeps a batch that commits or rolls back by itself out of a shared transaction", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    const { result, batches } = await statsDuring(client, () =>
      Promise.allSettled([
        sqlBatch(db, [insert(1)]),
        client.batch(["INSERT INTO t (x) VALUES (2)", "COMMIT", "INSERT INTO t (x) VALUES (3)"], "write"),
      ]),
    );
    // As on @libsql/client: the statements before the COMMIT stay, the next one finds no transaction.
    expect(result[1]).toMatchObject({ status: "rejected", reason: { code: "TRANSACTION_CLOSED" } });
    expect(batches).toBe(1);
    expect(await xs(client)).toEqual([1, 2]);
  });

  it("is found by the statement's text", () => {
    for (const text of [
      "INSERT INTO t VALUES (1)",
      "  insert or ignore into t values (1)",
      "update t set x = 1",
      "DELETE FROM t",
      "REPLACE INTO t VALUES (1)",
      "WITH v AS (SELECT 1) INSERT INTO t SELECT * FROM v",
      "with v as (select 1) delete from t where x in v",
    ]) {
      expect(changesRows(text), text).toBe(true);
    }
    for (const text of [
      "SELECT updated_at, deleted_at FROM t",
      "WITH v AS (SELECT 1) SELECT * FROM v",
      "PRAGMA foreign_keys = ON",
      "CREATE TABLE u (a)",
      "BEGIN IMMEDIATE",
    ]) {
      expect(changesRows(text), text).toBe(false);
    }
  });
});
