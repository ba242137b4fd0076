import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, LibsqlError } from "@libsql/client";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { sqlBatch } from "../../src/db/batch.js";
import { prepareLocalClient } from "../../src/db/client.js";
import { LocalClient } from "../../src/db/local-client.js";
import { cleanups, clientWithTable, dbOf, insert, statsDuring, stmt, xs } from "../support/group-commit.js";

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("batches started in the same turn", () => {
  it("all succeed and share fewer transactions than there are batches", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    const { transactions, batches } = await statsDuring(client, () =>
      Promise.all(Array.from({ length: 50 }, (_, i) => sqlBatch(db, [insert(i), insert(1000 + i)]))),
    );
    expect(batches).toBe(50);
    expect(transactions).toBeGreaterThanOrEqual(1);
    expect(transactions).toBeLessThan(50);
    const expected = Array.from({ length: 50 }, (_, i) => [i, 1000 + i]).flat();
    expect(await xs(client)).toEqual(expected.sort((a, b) => a - b));
  });

  it("wait a turn for a group still growing, so a second wave a turn later commits with the first", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    const { transactions, batches } = await statsDuring(client, async () => {
      const first = Array.from({ length: 5 }, (_, i) => sqlBatch(db, [insert(i)]));
      const second = await new Promise<Promise<unknown>[]>((resolve) =>
        setImmediate(() => resolve(Array.from({ length: 5 }, (_, i) => sqlBatch(db, [insert(10 + i)])))),
      );
      return Promise.all([...first, ...second]);
    });
    expect(batches).toBe(10);
    expect(transactions).toBe(1);
  });

  it("do not keep a lone batch waiting for company", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    let turns = 0;
    let done = false;
    const counting = () =>
      setImmediate(() => {
        turns++;
        if (!done) counting();
      });
    counting();
    await sqlBatch(db, [insert(1)]);
    done = true;
    expect(turns).toBeLessThanOrEqual(2);
  });

  it("reject a failing batch alone and keep none of its rows, while the others commit", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    // Batch 7's second row repeats batch 0's first, so it fails after its first insert ran.
    const batchFor = (i: number) => (i === 7 ? [insert(700), insert(0)] : [insert(i), insert(100 + i)]);
    const { result: settled, transactions } = await statsDuring(client, () =>
      Promise.allSettled(Array.from({ length: 20 }, (_, i) => sqlBatch(db, batchFor(i)))),
    );
    expect(transactions).toBeLessThan(20);
    const failed = settled.flatMap((s, i) => (s.status === "rejected" ? [[i, s.reason]] : []));
    expect(failed).toHaveLength(1);
    expect(failed[0]![0]).toBe(7);
    expect(failed[0]![1]).toBeInstanceOf(LibsqlError);
    expect(String((failed[0]![1] as Error).message)).toMatch(/UNIQUE constraint failed: t\.x/);
    const others = Array.from({ length: 20 }, (_, i) => i).filter((i) => i !== 7);
    expect(await xs(client)).toEqual([...others, ...others.map((i) => 100 + i)].sort((a, b) => a - b));
    expect(client.inTransaction).toBe(false);
  });

  it("run in arrival order, each seeing the effects of the ones before it", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    const { transactions } = await statsDuring(client, () =>
      Promise.all([
        sqlBatch(db, [insert(1)]),
        // Inserts 2 only if the batch before has inserted 1.
        sqlBatch(db, [sql`INSERT INTO t (x) SELECT 2 WHERE EXISTS (SELECT 1 FROM t WHERE x = 1)`]),
        // 2 rows exist by now: inserts 200.
        sqlBatch(db, [sql`INSERT INTO t (x) SELECT count(*) * 100 FROM t`]),
        sqlBatch(db, [sql`DELETE FROM t WHERE x = 1`]),
        // Inserts 3 only if the delete before has run.
        sqlBatch(db, [sql`INSERT INTO t (x) SELECT 3 WHERE NOT EXISTS (SELECT 1 FROM t WHERE x = 1)`]),
      ]),
    );
    expect(transactions).toBeLessThan(5);
    expect(await xs(client)).toEqual([2, 3, 200]);
  });
});

describe("a batch that makes SQLite roll back the whole shared transaction", () => {
  it("is rejected alone; the good batches of its group are run again and committed", async () => {
    const client = await clientWithTable();
    await client.execute(
      "CREATE TRIGGER no_666 BEFORE INSERT ON t WHEN NEW.x = 666 BEGIN SELECT RAISE(ROLLBACK, 'boom'); END",
    );
    const batchFor = (i: number) =>
      i === 5
        ? [stmt("INSERT INTO t (x) VALUES (?)", 555), stmt("INSERT INTO t (x) VALUES (?)", 666)]
        : [stmt("INSERT INTO t (x) VALUES (?)", i), stmt("INSERT INTO t (x) VALUES (?)", 100 + i)];
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => client.group.batch(batchFor(i))),
    );
    expect(settled.map((s) => s.status)).toEqual([
      ...Array(5).fill("fulfilled"),
      "rejected",
      ...Array(4).fill("fulfilled"),
    ]);
    expect(String((settled[5] as PromiseRejectedResult).reason.message)).toMatch(/boom/);
    const good = [0, 1, 2, 3, 4, 6, 7, 8, 9];
    expect(await xs(client)).toEqual([...good, ...good.map((i) => 100 + i)]);
    expect(client.inTransaction).toBe(false);
    // The client carries on grouping afterwards.
    const after = await statsDuring(client, () =>
      Promise.all([7000, 7001].map((x) => client.group.batch([stmt("INSERT INTO t (x) VALUES (?)", x)]))),
    );
    expect(after).toMatchObject({ transactions: 1, batches: 2 });
    expect(await xs(client)).toContain(7001);
  });
});

describe("durability on a file database", () => {
  it("keeps exactly the acknowledged batches for the next client opened on the file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "convene-group-commit-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, "convene.db");
    const client = new LocalClient(path);
    cleanups.push(() => client.close());
    await prepareLocalClient(client as unknown as Client);
    expect(String((await client.execute("PRAGMA journal_mode")).rows[0]![0]).toLowerCase()).toBe("wal");
    await client.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)");

    // Every 25th batch repeats x = 0 after its first insert and is rejected.
    const batchFor = (i: number) => (i % 25 === 24 ? [i, 0] : [i, 10_000 + i]);
    const settled = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        client.group.batch(batchFor(i).map((x) => stmt("INSERT INTO t (x) VALUES (?)", x))),
      ),
    );
    const acknowledged = settled.flatMap((s, i) => (s.status === "fulfilled" ? batchFor(i) : []));
    expect(settled.filter((s) => s.status === "rejected")).toHaveLength(8);
    client.close();

    const reopened = new LocalClient(path);
    cleanups.push(() => reopened.close());
    expect(await xs(reopened)).toEqual(acknowledged.sort((a, b) => a - b));
    expect(await xs(reopened)).toHaveLength(2 * 192);
  });
});

describe("results of a grouped batch", () => {
  it("give one result set per statement, with rows and columns for a SELECT", async () => {
    const client = await clientWithTable();
    await client.execute("INSERT INTO t (x) VALUES (4), (2)");
    const [alone] = await client.group.batch([stmt("SELECT x, x * 2 AS doubled FROM t ORDER BY x")]);
    expect(alone!.columns).toEqual(["x", "doubled"]);
    expect(alone!.rows.map((r) => [r.x, r.doubled])).toEqual([
      [2, 4],
      [4, 8],
    ]);

    const [written, read] = await Promise.all([
      client.group.batch([stmt("INSERT INTO t (x) VALUES (?)", 9)]),
      client.group.batch([stmt("SELECT count(*) AS c FROM t"), stmt("SELECT max(x) AS top FROM t")]),
    ]);
    expect(written.map((r) => r.rowsAffected)).toEqual([1]);
    expect(read.map((r) => r.columns)).toEqual([["c"], ["top"]]);
    expect(read.map((r) => r.rows[0]![0])).toEqual([3, 9]);
  });

  it("come back from sqlBatch as plain objects per statement", async () => {
    const client = await clientWithTable();
    const db = dbOf(client);
    const [inserted, selected] = await sqlBatch(db, [
      sql`INSERT INTO t (x) VALUES (${5}) RETURNING x`,
      sql`SELECT x, 'five' AS word FROM t`,
    ]);
    expect(inserted).toEqual([{ x: 5 }]);
    expect(selected).toEqual([{ x: 5, word: "five" }]);
  });
});
