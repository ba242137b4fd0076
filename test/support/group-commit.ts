import type { Client } from "@libsql/client";
import { sql } from "drizzle-orm";
import { libsqlDb } from "../../src/db/client.js";
import { LocalClient } from "../../src/db/local-client.js";

/** Helpers of the group-commit tests (test/db/group-commit*.node.test.ts). */
export const cleanups: (() => unknown)[] = [];

/** A fresh in-memory client with table t(x UNIQUE). */
export async function clientWithTable() {
  const client = new LocalClient(":memory:");
  cleanups.push(() => client.close());
  await client.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)");
  return client;
}

export const dbOf = (client: LocalClient) => libsqlDb(client as unknown as Client);
export const insert = (x: number) => sql`INSERT INTO t (x) VALUES (${x})`;
export const stmt = (text: string, ...args: number[]) => ({ sql: text, args });

export async function xs(client: LocalClient): Promise<number[]> {
  const { rows } = await client.execute("SELECT x FROM t ORDER BY x");
  return rows.map((r) => r.x as number);
}

/** What the stats grew by while `work` ran. */
export async function statsDuring<T>(client: LocalClient, work: () => Promise<T>) {
  const before = { ...client.group.stats };
  const result = await work();
  const { transactions, batches } = client.group.stats;
  return { result, transactions: transactions - before.transactions, batches: batches - before.batches };
}
