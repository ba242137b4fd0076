import { getTableColumns } from "drizzle-orm";
import { apiKeys, type Scope } from "../../db/schema.js";
import type { Clock } from "../../lib/clock.js";
import type { TokenGenerator } from "../../lib/tokens.js";
import { newApiKeyRow } from "./service.js";

function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`cannot render ${typeof value} as SQL`);
}

/**
 * A new key and the INSERT that would store it, as SQL text (same ids, hashing and scopes
 * JSON as the app), for D1 databases the keys CLI cannot open directly (`--print-sql`).
 */
export async function apiKeyInsertText(
  deps: { clock: Clock; tokens: TokenGenerator },
  input: { name: string; scopes: Scope[] },
): Promise<{ key: string; statement: string }> {
  const { key, row } = await newApiKeyRow(deps, input);
  const stored: Record<string, unknown> = {
    ...row,
    scopes: JSON.stringify(row.scopes),
    createdAt: row.createdAt.getTime(),
  };
  const columns = Object.entries(getTableColumns(apiKeys)).filter(([k]) => stored[k] !== null);
  const names = columns.map(([, c]) => c.name);
  const values = columns.map(([k]) => sqlLiteral(stored[k]));
  return { key, statement: `INSERT INTO api_keys (${names.join(", ")}) VALUES (${values.join(", ")});` };
}
