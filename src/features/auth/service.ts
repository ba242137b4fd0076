import { desc, eq } from "drizzle-orm";
import { type Statement, sqlBatch } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { apiKeys, type Scope } from "../../db/schema.js";
import type { Principal } from "../../lib/access.js";
import type { Clock } from "../../lib/clock.js";
import { notFound } from "../../lib/problem.js";
import { constantTimeEqual, randomBase32, sha256Hex, type TokenGenerator } from "../../lib/tokens.js";

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

// Key format: cvn_<prefix:8>_<secret:26>. The prefix finds the row and is safe to show;
// the 130-bit secret (plus the 40-bit prefix) is only ever stored as a SHA-256 hash.
const KEY_RE = /^cvn_([0-9a-z]{8})_([0-9a-z]{26})$/;
// Recording every use would turn each read into a write; once a minute is enough to audit.
const LAST_USED_GRANULARITY_MS = 60_000;

/** A new key and the row that stores it (hash only), before anything is written. */
export async function newApiKeyRow(
  deps: { clock: Clock; tokens: TokenGenerator },
  input: { name: string; scopes: Scope[] },
): Promise<{ key: string; row: typeof apiKeys.$inferSelect }> {
  const prefix = randomBase32(8);
  const key = `cvn_${prefix}_${randomBase32(26)}`;
  const row = {
    id: deps.tokens.id("key"),
    name: input.name,
    prefix,
    hash: await sha256Hex(key),
    scopes: [...new Set(input.scopes)],
    createdAt: deps.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  return { key, row };
}

/**
 * Creates a key; `audit` (when a staff member does it through the API) is written in the
 * same batch as the key.
 */
export async function createApiKey(
  deps: { db: Db; clock: Clock; tokens: TokenGenerator },
  input: { name: string; scopes: Scope[] },
  audit?: (record: KeyView) => Statement,
): Promise<{ key: string; record: KeyView }> {
  const { key, row } = await newApiKeyRow(deps, input);
  const record = toView(row);
  await sqlBatch(deps.db, [deps.db.insert(apiKeys).values(row), ...(audit ? [audit(record)] : [])]);
  return { key, record };
}

export async function listApiKeys(db: Db): Promise<KeyView[]> {
  const rows = await db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt));
  return rows.map(toView);
}

/** Revokes by id or by the human-visible prefix. Revoking twice keeps the first time. */
export async function revokeApiKey(
  deps: { db: Db; clock: Clock },
  idOrPrefix: string,
  audit?: (record: KeyView) => Statement,
): Promise<KeyView> {
  const column = idOrPrefix.startsWith("key_") ? apiKeys.id : apiKeys.prefix;
  const [row] = await deps.db.select().from(apiKeys).where(eq(column, idOrPrefix));
  if (!row) throw notFound(`API key ${idOrPrefix}`);
  if (row.revokedAt) return toView(row);
  const record = toView({ ...row, revokedAt: deps.clock.now() });
  await sqlBatch(deps.db, [
    deps.db.update(apiKeys).set({ revokedAt: record.revokedAt }).where(eq(apiKeys.id, row.id)),
    ...(audit ? [audit(record)] : []),
  ]);
  return record;
}

export async function authenticate(
  deps: { db: Db; clock: Clock },
  presented: string,
): Promise<Principal | null> {
  const match = KEY_RE.exec(presented);
  if (!match) return null;
  const [row] = await deps.db.select().from(apiKeys).where(eq(apiKeys.prefix, match[1]!));
  const hash = await sha256Hex(presented);
  // Compare even when no row matched, so an unknown prefix costs the same time as a wrong secret.
  const ok = constantTimeEqual(hash, row?.hash ?? "0".repeat(64));
  if (!row || !ok || row.revokedAt) return null;
  const now = deps.clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    await deps.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return { keyId: row.id, keyName: row.name, keyPrefix: row.prefix, scopes: row.scopes };
}

function toView(row: typeof apiKeys.$inferSelect): KeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
