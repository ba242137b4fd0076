import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Client, createClient, LibsqlError, type Row } from "@libsql/client";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { libsqlDb } from "../../src/db/client.js";
import { LocalClient } from "../../src/db/local-client.js";
import { localPath, openClient } from "../../src/db/open-node.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function memoryClient() {
  const client = new LocalClient(":memory:");
  cleanups.push(() => client.close());
  return client;
}

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "convene-local-client-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A row's values in column order, read by index. */
const byIndex = (row: Row) => Array.from({ length: row.length }, (_, i) => row[i]);

describe("rows of the local client", () => {
  it("are readable by column name and by index, and have a length", async () => {
    const client = memoryClient();
    const { rows, columns } = await client.execute("SELECT 7 AS id, 'Ada' AS name");
    expect(columns).toEqual(["id", "name"]);
    const row = rows[0]!;
    expect(row.id).toBe(7);
    expect(row.name).toBe("Ada");
    expect(row.length).toBe(2);
    expect(byIndex(row)).toEqual([7, "Ada"]);
  });

  it("come out of drizzle's db.all as plain objects keyed by column name only", async () => {
    const client = memoryClient();
    const db = libsqlDb(client as unknown as Client);
    const rows = await db.all(sql`SELECT 7 AS id, 'Ada' AS name UNION ALL SELECT 8, 'Grace'`);
    expect(rows).toEqual([
      { id: 7, name: "Ada" },
      { id: 8, name: "Grace" },
    ]);
    expect(Object.keys(rows[0] as object).sort()).toEqual(["id", "name"]);
  });

  it("give a duplicated column name to its first column, and both columns by index", async () => {
    const client = memoryClient();
    const row = (await client.execute("SELECT 1 AS a, 2 AS a")).rows[0]!;
    expect(row.a).toBe(1);
    expect(row.length).toBe(2);
    expect(byIndex(row)).toEqual([1, 2]);
    expect(Object.keys(row)).toEqual(["a"]);
  });
});

describe("the prepared-statement cache", () => {
  it("gives each run of the same SQL text its own arguments and results", async () => {
    const client = memoryClient();
    await client.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    for (let i = 1; i <= 100; i++) {
      await client.execute("INSERT INTO people (id, name) VALUES (?, ?)", [i, `person ${i}`]);
    }
    for (const id of [57, 3, 100, 1, 42, 3]) {
      const { rows } = await client.execute("SELECT name FROM people WHERE id = ?", [id]);
      expect(rows.map((r) => r.name)).toEqual([`person ${id}`]);
    }
    const five = await client.execute("SELECT id FROM people WHERE id <= ? ORDER BY id", [5]);
    const two = await client.execute("SELECT id FROM people WHERE id <= ? ORDER BY id", [2]);
    expect(two.rows.map((r) => r.id)).toEqual([1, 2]);
    // An earlier result is not overwritten by a later run of the same statement.
    expect(five.rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps a reader and a writer statement apart when they alternate", async () => {
    const client = memoryClient();
    await client.execute("CREATE TABLE ticks (n INTEGER NOT NULL)");
    for (let i = 1; i <= 20; i++) {
      const write = await client.execute("INSERT INTO ticks (n) VALUES (?)", [i * 10]);
      expect(write.rowsAffected).toBe(1);
      const read = await client.execute("SELECT count(*) AS c, max(n) AS top FROM ticks");
      expect(read.rows[0]).toMatchObject({ c: i, top: i * 10 });
    }
  });
});

describe("values", () => {
  it("round-trip exactly as they do through @libsql/client", async () => {
    const local = memoryClient();
    const reference = createClient({ url: ":memory:" });
    cleanups.push(() => reference.close());
    const when = new Date("2026-03-04T05:06:07.089Z");
    const stmt = {
      sql: "SELECT ? AS i, ? AS neg, ? AS f, ? AS s, ? AS n, ? AS yes, ? AS no, ? AS d, ? AS blob",
      args: [42, -7, 1.25, "héllo wörld 🌍 日本", null, true, false, when, new Uint8Array([0, 1, 254, 255])],
    };
    const [ours, theirs] = [(await local.execute(stmt)).rows[0]!, (await reference.execute(stmt)).rows[0]!];
    expect(byIndex(ours).slice(0, 8)).toEqual([
      42,
      -7,
      1.25,
      "héllo wörld 🌍 日本",
      null,
      1,
      0,
      when.valueOf(),
    ]);
    expect(byIndex(ours).slice(0, 8)).toEqual(byIndex(theirs).slice(0, 8));
    expect(ours.blob).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(ours.blob as ArrayBuffer)]).toEqual([0, 1, 254, 255]);
    expect([...new Uint8Array(ours.blob as ArrayBuffer)]).toEqual([
      ...new Uint8Array(theirs.blob as ArrayBuffer),
    ]);
  });

  it("survive a trip through a table, integers as numbers", async () => {
    const client = memoryClient();
    await client.execute("CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB)");
    await client.execute("INSERT INTO v VALUES (?, ?, ?, ?)", [
      2 ** 40,
      0.1,
      "ünïcode ✓",
      new Uint8Array([9, 8]),
    ]);
    const row = (await client.execute("SELECT i, r, t, b FROM v")).rows[0]!;
    expect(row.i).toBe(2 ** 40);
    expect(row.r).toBe(0.1);
    expect(row.t).toBe("ünïcode ✓");
    expect([...new Uint8Array(row.b as ArrayBuffer)]).toEqual([9, 8]);
  });

  it("reject non-finite numbers and undefined as arguments", async () => {
    const client = memoryClient();
    await expect(client.execute("SELECT ?", [Number.NaN])).rejects.toThrow(/finite/);
    await expect(client.execute("SELECT ?", [Number.POSITIVE_INFINITY])).rejects.toThrow(/finite/);
    await expect(client.execute("SELECT ?", [undefined as never])).rejects.toThrow(/undefined/);
    // Nothing was left half-done: the client still answers.
    expect((await client.execute("SELECT 1 AS one")).rows[0]!.one).toBe(1);
  });
});

describe("writes", () => {
  it("report rowsAffected and a bigint lastInsertRowid", async () => {
    const client = memoryClient();
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER)");
    const first = await client.execute("INSERT INTO t (x) VALUES (?)", [1]);
    expect(first.rowsAffected).toBe(1);
    expect(first.lastInsertRowid).toBe(1n);
    await client.execute("INSERT INTO t (id, x) VALUES (?, ?)", [41, 2]);
    const next = await client.execute("INSERT INTO t (x) VALUES (?)", [3]);
    expect(next.lastInsertRowid).toBe(42n);
    const update = await client.execute("UPDATE t SET x = x + 1 WHERE x >= ?", [2]);
    expect(update.rowsAffected).toBe(2);
  });

  it("return the rows of INSERT ... RETURNING", async () => {
    const client = memoryClient();
    await client.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)");
    const rs = await client.execute("INSERT INTO t (x) VALUES (?), (?) RETURNING id, x", ["a", "b"]);
    expect(rs.columns).toEqual(["id", "x"]);
    expect(rs.rows.map(byIndex)).toEqual([
      [1, "a"],
      [2, "b"],
    ]);
    expect(rs.rows[1]!.x).toBe("b");
  });
});

describe("batch", () => {
  it("is all or nothing: a UNIQUE violation in the third statement leaves none of its rows", async () => {
    const client = memoryClient();
    await client.execute("CREATE TABLE t (x INTEGER UNIQUE)");
    const insert = (x: number) => ({ sql: "INSERT INTO t (x) VALUES (?)", args: [x] });
    await expect(client.batch([insert(1), insert(2), insert(1), insert(3)], "write")).rejects.toThrow(
      /UNIQUE constraint failed: t\.x/,
    );
    expect((await client.execute("SELECT count(*) AS c FROM t")).rows[0]!.c).toBe(0);
    expect(client.inTransaction).toBe(false);
    const ok = await client.batch([insert(1), insert(2)], "write");
    expect(ok.map((r) => r.rowsAffected)).toEqual([1, 1]);
    expect((await client.execute("SELECT count(*) AS c FROM t")).rows[0]!.c).toBe(2);
  });
});

describe("migrate", () => {
  it("runs its statements in one transaction with foreign keys off, and turns them back on", async () => {
    const client = memoryClient();
    await client.execute("PRAGMA foreign_keys = ON");
    await client.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
    const results = await client.migrate([
      { sql: "PRAGMA foreign_keys", args: [] },
      { sql: "CREATE TABLE child (parent_id INTEGER REFERENCES parent(id))", args: [] },
      // An orphan is accepted only because foreign keys are off during the migration.
      { sql: "INSERT INTO child VALUES (99)", args: [] },
    ]);
    expect(results[0]!.rows[0]![0]).toBe(0);
    expect((await client.execute("PRAGMA foreign_keys")).rows[0]![0]).toBe(1);
    await expect(client.execute("INSERT INTO child VALUES (100)")).rejects.toThrow(/FOREIGN KEY/);
  });

  it("keeps nothing of a migration that fails part-way, and still turns foreign keys back on", async () => {
    const client = memoryClient();
    await expect(
      client.migrate([
        { sql: "CREATE TABLE first (id INTEGER)", args: [] },
        { sql: "CREATE TABLE broken (", args: [] },
      ]),
    ).rejects.toThrow(LibsqlError);
    const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table'");
    expect(tables.rows).toHaveLength(0);
    expect(client.inTransaction).toBe(false);
    expect((await client.execute("PRAGMA foreign_keys")).rows[0]![0]).toBe(1);
  });
});

describe("a closed client", () => {
  it("rejects further calls with CLIENT_CLOSED, and closing twice is harmless", async () => {
    const client = new LocalClient(":memory:");
    client.close();
    expect(client.closed).toBe(true);
    expect(() => client.close()).not.toThrow();
    const calls = [
      client.execute("SELECT 1"),
      client.batch(["SELECT 1"], "write"),
      client.executeMultiple("SELECT 1"),
    ];
    for (const call of calls) {
      await expect(call).rejects.toBeInstanceOf(LibsqlError);
      await expect(call).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    }
  });
});

describe("a file database", () => {
  it("keeps what one client wrote for the next client opened on the same path", async () => {
    const path = join(await tempDir(), "convene.db");
    const writer = openClient(`file:${path}`);
    expect(writer).toBeInstanceOf(LocalClient);
    await writer.execute("CREATE TABLE notes (body TEXT)");
    await writer.batch(
      ["INSERT INTO notes VALUES ('kept')", "INSERT INTO notes VALUES ('also kept')"],
      "write",
    );
    writer.close();
    const reader = openClient(`file:${path}`);
    cleanups.push(() => reader.close());
    const { rows } = await reader.execute("SELECT body FROM notes ORDER BY rowid");
    expect(rows.map((r) => r.body)).toEqual(["kept", "also kept"]);
  });

  it("is found from file: and :memory: URLs", () => {
    expect(localPath("file:./data/x.db")).toBe("./data/x.db");
    expect(localPath("file:///abs/x.db")).toBe("/abs/x.db");
    expect(localPath(":memory:")).toBe(":memory:");
  });
});

describe("errors", () => {
  it("are LibsqlErrors naming the problem", async () => {
    const client = memoryClient();
    const bad = client.execute("SELECT * FROM nowhere");
    await expect(bad).rejects.toBeInstanceOf(LibsqlError);
    await expect(bad).rejects.toThrow(/no such table: nowhere/);
    const badBatch = client.batch(["SELECT 1", "INSERT INTO nowhere VALUES (1)"], "write");
    await expect(badBatch).rejects.toBeInstanceOf(LibsqlError);
    await expect(badBatch).rejects.toThrow(/no such table: nowhere/);
    await expect(client.execute("SELEC 1")).rejects.toThrow(/syntax error/);
  });
});
