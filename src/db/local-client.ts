import { createRequire } from "node:module";
import type { Client, InArgs, InStatement, ResultSet, TransactionMode } from "@libsql/client";
import { LibsqlError } from "@libsql/client";
import { GroupCommitter } from "./group-commit.js";
import { asBatchError, asLibsqlError as toLibsqlError, transactionClosed } from "./local-errors.js";
import { namedColumns, resultSet, rowPrototype, toParams, toRow } from "./local-rows.js";

/**
 * The embedded database's client: the same libsql engine @libsql/client's file client drives,
 * with the two costs that client pays on every statement taken out.
 *
 * - It prepares every statement afresh, BEGIN and COMMIT included (the registration INSERT
 *   alone takes ~130 us to prepare, longer than it takes to run). Here prepared statements
 *   are kept per SQL text; drizzle and our batches produce a small, fixed set of texts.
 * - It learns whether a statement returns rows by calling raw(true) and catching the throw.
 *   The engine already knows (`reader`).
 *
 * It speaks the subset of @libsql/client's Client that drizzle and src/db/batch.ts use
 * (execute, batch, migrate, executeMultiple, close) with the same results: rows readable by
 * column name and by index, integers as numbers, the same errors. One connection, as
 * @libsql/client uses for `:memory:`; for a file every call is synchronous underneath, so a
 * second connection in the same process would only wait for the first.
 *
 * Every write commits through one path, group commit (group-commit.ts), whichever API made
 * it: sqlBatch hands its batches to `group` itself; a batch that changes rows (drizzle's
 * db.batch sends them as "deferred") and a single INSERT, UPDATE, DELETE or REPLACE (drizzle's
 * db.insert() and friends, db.run/db.all of such SQL) join the group here. Reads, DDL, PRAGMAs,
 * migrations, scripts and batches that begin or end a transaction themselves run at once on
 * the connection, as before.
 *
 * Remote databases (libsql://, https://) keep using @libsql/client.
 */

// libsql is CommonJS without types; this is the part of its better-sqlite3-style API we use.
interface NativeStatement {
  readonly reader: boolean;
  raw(on?: boolean): NativeStatement;
  safeIntegers(on?: boolean): NativeStatement;
  all(params: unknown[]): unknown[][];
  run(params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  columns(): { name: string; type: string | null }[];
}
interface NativeDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): NativeStatement;
  exec(sql: string): void;
  close(): void;
}
const libsql = createRequire(import.meta.url)("libsql") as {
  new (path: string): NativeDatabase;
  SqliteError: new (...args: never[]) => Error;
};

/** Enough for every distinct statement text the app produces, with room; oldest go first. */
const STATEMENT_CACHE_SIZE = 500;
const SCHEMA_CHANGE = /^\s*(CREATE|DROP|ALTER)\b/i;

const CHANGES_ROWS = /^\s*(?:INSERT|UPDATE|DELETE|REPLACE)\b/i;
const WITH = /^\s*WITH\b/i;
const CHANGES_ROWS_ANYWHERE = /\b(?:INSERT|UPDATE|DELETE|REPLACE)\b/i;
/** BEGIN, COMMIT, END, ROLLBACK: these must never run inside a transaction shared with others. */
const CONTROLS_TRANSACTION = /^\s*(?:BEGIN|COMMIT|END|ROLLBACK)\b/i;

/**
 * Whether a statement changes rows, judged by its text: drizzle's and our own statements start
 * with their verb, or with WITH before it. A SELECT called here by mistake (a WITH naming a
 * replace() function) only commits like a write; a write missed would commit on its own.
 */
export const changesRows = (sql: string) =>
  CHANGES_ROWS.test(sql) || (WITH.test(sql) && CHANGES_ROWS_ANYWHERE.test(sql));

/** The BEGIN @libsql/client uses for each mode. */
const BEGIN: Record<TransactionMode, string> = {
  write: "BEGIN IMMEDIATE",
  read: "BEGIN TRANSACTION READONLY",
  deferred: "BEGIN DEFERRED",
};

interface Prepared {
  stmt: NativeStatement;
  columns: string[];
  columnTypes: string[];
  named: [string, number][];
  rowProto: object;
}

export class LocalClient
  implements Pick<Client, "execute" | "batch" | "migrate" | "executeMultiple" | "close">
{
  readonly protocol = "file";
  closed = false;
  private readonly db: NativeDatabase;
  private readonly cache = new Map<string, Prepared>();
  /** Every write commits through here (see above), possibly sharing its COMMIT with others. */
  readonly group: GroupCommitter;

  /** `path` is a file path or ":memory:". */
  constructor(path: string) {
    this.db = new libsql(path);
    this.group = new GroupCommitter(this);
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /** A statement that changes rows commits through the group; anything else runs at once. */
  async execute(stmtOrSql: InStatement | string, args?: InArgs): Promise<ResultSet> {
    const stmt = typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    this.check();
    // Inside a transaction begun by hand (BEGIN through execute) a write belongs to that one.
    if (changesRows(typeof stmt === "string" ? stmt : stmt.sql) && !this.db.inTransaction) {
      return this.group.execute(stmt);
    }
    return this.run(stmt);
  }

  /**
   * A batch that changes rows commits through the group, whatever its mode ("write" from
   * sqlBatch on other clients, "deferred" from drizzle's db.batch); the group runs it in a
   * BEGIN IMMEDIATE transaction of its own or shared, with the same results. Read batches and
   * batches that would end the transaction themselves keep a transaction of their own.
   */
  async batch(
    stmts: (InStatement | [string, InArgs?])[],
    mode: TransactionMode = "deferred",
  ): Promise<ResultSet[]> {
    this.check();
    const statements = stmts.map((s) => (Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s));
    const texts = statements.map((s) => (typeof s === "string" ? s : s.sql));
    if (
      mode !== "read" &&
      texts.some(changesRows) &&
      !texts.some((t) => CONTROLS_TRANSACTION.test(t)) &&
      !this.db.inTransaction
    ) {
      return this.group.batch(statements);
    }
    return this.inTransactionDo(BEGIN[mode], () => this.runBatch(statements));
  }

  /** Migrations may rebuild tables, which needs foreign keys off for the duration. */
  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.check();
    this.run("PRAGMA foreign_keys = OFF");
    try {
      return this.inTransactionDo("BEGIN DEFERRED", () => this.runBatch(stmts));
    } finally {
      this.run("PRAGMA foreign_keys = ON");
      this.cache.clear();
    }
  }

  /**
   * The statements of a transaction the caller has begun, failing as @libsql/client's batches
   * fail: with the index of the statement, and at the first statement that finds the
   * transaction gone.
   */
  private runBatch(stmts: InStatement[]): ResultSet[] {
    const results: ResultSet[] = [];
    for (const stmt of stmts) {
      if (!this.db.inTransaction) throw transactionClosed(results.length);
      try {
        results.push(this.run(stmt));
      } catch (err) {
        throw asBatchError(err, results.length);
      }
    }
    return results;
  }

  async executeMultiple(sql: string): Promise<void> {
    this.check();
    this.cache.clear();
    try {
      this.db.exec(sql);
    } catch (err) {
      throw asLibsqlError(err);
    }
  }

  /**
   * Runs `work` synchronously between `begin` and COMMIT, rolling back if it throws. Nothing
   * else can run on this connection meanwhile: there is no await inside.
   */
  inTransactionDo<T>(begin: string, work: () => T): T {
    this.run({ sql: begin, args: [] });
    try {
      const result = work();
      this.run({ sql: "COMMIT", args: [] });
      return result;
    } catch (err) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw err;
    }
  }

  /** One statement, prepared once per text. */
  run(stmt: InStatement): ResultSet {
    this.check();
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const args = typeof stmt === "string" ? [] : toParams(stmt.args);
    try {
      const p = this.prepared(sql);
      if (p.stmt.reader) {
        const raw = p.stmt.all(args);
        return resultSet(
          p.columns,
          p.columnTypes,
          raw.map((r) => toRow(r, p.named, p.rowProto)),
          0,
        );
      }
      const info = p.stmt.run(args);
      // A cached statement keeps the column names it was prepared with; after the schema
      // changes, `SELECT *` and friends must be prepared again.
      if (SCHEMA_CHANGE.test(sql)) this.cache.clear();
      return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
    } catch (err) {
      throw asLibsqlError(err);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    this.db.close();
  }

  private prepared(sql: string): Prepared {
    const hit = this.cache.get(sql);
    if (hit) return hit;
    const stmt = this.db.prepare(sql);
    const columns = stmt.reader ? stmt.columns() : [];
    if (stmt.reader) stmt.raw(true);
    // Integers as bigint, so a value past 2^53 is refused (as @libsql/client does) instead of
    // coming back silently rounded; toRow turns the safe ones into numbers.
    stmt.safeIntegers(true);
    const p = {
      stmt,
      columns: columns.map((c) => c.name),
      columnTypes: columns.map((c) => c.type ?? ""),
      named: namedColumns(columns.map((c) => c.name)),
      rowProto: rowPrototype(columns.length),
    };
    // Statements whose text embeds values (DDL, PRAGMA with a value) are not worth keeping,
    // but they are rare enough that the size cap covers them.
    this.cache.set(sql, p);
    if (this.cache.size > STATEMENT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }

  private check() {
    if (this.closed) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
  }
}

/** The engine's errors become LibsqlErrors (as @libsql/client maps them); ours pass as they are. */
const asLibsqlError = (err: unknown) => toLibsqlError(err, libsql.SqliteError);
