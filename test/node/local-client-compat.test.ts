import { createClient, LibsqlError, type Row } from "@libsql/client";
import { afterEach, describe, expect, it } from "vitest";
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
