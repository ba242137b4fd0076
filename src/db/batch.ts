import type { Client, InStatement, ResultSet } from "@libsql/client";
import type { SQL } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { Db } from "./db.js";

/**
 * Runs hand-written SQL statements as one atomic batch on either engine and returns each
 * statement's rows as plain objects. drizzle's own batch does not accept raw `sql` on D1, and
 * the engine's conditional INSERT ... SELECT / upserts are clearer as SQL than as builders.
 */
const dialect = new SQLiteAsyncDialect();
const ENGINE = Symbol.for("convene.engine");

type Row = Record<string, unknown>;

/** A client with group commit (LocalClient); imported by shape so Workers never load it. */
interface GroupCommitting {
  group: { batch(statements: InStatement[]): Promise<ResultSet[]> };
}

export function markEngine(db: Db, engine: "libsql" | "d1", client: unknown): Db {
  return Object.assign(db, { [ENGINE]: { engine, client } });
}

function engineOf(db: Db): { engine: "libsql" | "d1"; client: unknown } {
  const e = (db as unknown as Record<symbol, { engine: "libsql" | "d1"; client: unknown } | undefined>)[
    ENGINE
  ];
  if (!e) throw new Error("database handle was not created by libsqlDb() or d1Db()");
  return e;
}

/** A statement with its text and its parameters, as q`` makes it. */
export interface Query {
  sql: string;
  params: unknown[];
}

/** A raw `sql` statement, a drizzle query builder (anything with getSQL()) or a q`` query. */
export type Statement = SQL | { getSQL(): SQL } | Query;

/**
 * A piece of SQL spliced into a q`` statement as text, with its own parameters: another
 * feature's fragment. Its text must be the same on every call of that call site.
 */
export class QueryPart {
  constructor(
    readonly text: string,
    readonly params: unknown[],
  ) {}
}

const texts = new WeakMap<TemplateStringsArray, { text: string; parts: boolean }>();

/**
 * Like drizzle's sql``, for statements on hot paths: every `${value}` is a parameter, so the
 * text is the same on every call and is built once per call site. drizzle walks its chunks and
 * rebuilds the text each time: for the registration's five statements that was ~20% of the
 * request (bench: 2,700-3,000 -> 3,300-3,500 req/s). The one exception is a QueryPart, spliced
 * in as text with its parameters in place.
 */
export function q(strings: TemplateStringsArray, ...params: unknown[]): Query {
  let cached = texts.get(strings);
  if (cached === undefined) {
    let text = strings[0]!;
    for (let i = 1; i < strings.length; i++) {
      const p = params[i - 1];
      text += (p instanceof QueryPart ? p.text : "?") + strings[i];
    }
    cached = { text, parts: params.some((p) => p instanceof QueryPart) };
    texts.set(strings, cached);
  }
  if (!cached.parts) return { sql: cached.text, params };
  return { sql: cached.text, params: params.flatMap((p) => (p instanceof QueryPart ? p.params : [p])) };
}

const isQuery = (s: Statement): s is Query =>
  typeof (s as Query).sql === "string" && Array.isArray((s as Query).params);

export async function sqlBatch(db: Db, statements: Statement[]): Promise<Row[][]> {
  const queries = statements.map((s) =>
    isQuery(s) ? s : dialect.sqlToQuery("getSQL" in s ? s.getSQL() : s),
  );
  const { engine, client } = engineOf(db);
  if (engine === "d1") {
    const d1 = client as D1Database;
    const results = await d1.batch(queries.map((q) => d1.prepare(q.sql).bind(...q.params)));
    return results.map((r) => (r.results ?? []) as Row[]);
  }
  const stmts = queries.map((q) => ({ sql: q.sql, args: q.params as never[] }));
  // The embedded engine's client commits concurrent batches together (db/group-commit.ts).
  const grouped = (client as Partial<GroupCommitting>).group;
  const results = grouped ? await grouped.batch(stmts) : await (client as Client).batch(stmts, "write");
  return results.map(objects);
}

const objects = (rs: ResultSet): Row[] =>
  rs.rows.map((row) => Object.fromEntries(rs.columns.map((col, i) => [col, row[i]])));

/**
 * One statement, same shapes as sqlBatch. On libsql it is one execute(), atomic by itself: a
 * read takes no write transaction (on a libsql server, batch "write" would lock it), and on
 * LocalClient a write still commits through group commit.
 */
export async function sqlAll<T = Row>(db: Db, statement: SQL): Promise<T[]> {
  const { engine, client } = engineOf(db);
  if (engine === "d1") {
    const [rows] = await sqlBatch(db, [statement]);
    return (rows ?? []) as T[];
  }
  const query = dialect.sqlToQuery(statement);
  return objects(await (client as Client).execute({ sql: query.sql, args: query.params as never[] })) as T[];
}
