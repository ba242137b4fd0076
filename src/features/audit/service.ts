import { and, desc, eq, lt } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { auditLog } from "../../db/schema.js";

export interface Actor {
  keyId: string | null;
  keyName: string | null;
  requestId: string | null;
}

export interface AuditInput {
  action: string;
  entityType: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
}

/**
 * The audit row for a staff write, as a statement to put in the same batch as the write,
 * so a change and its record commit together or not at all.
 */
export function auditInsert(db: Db, at: Date, actor: Actor, entry: AuditInput) {
  return db.insert(auditLog).values({
    at,
    keyId: actor.keyId,
    keyName: actor.keyName,
    requestId: actor.requestId,
    action: entry.action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

export async function listAudit(
  db: Db,
  filter: { entityType?: string; entityId?: string; before?: number; limit: number },
) {
  const conditions = [
    filter.entityType ? eq(auditLog.entityType, filter.entityType) : undefined,
    filter.entityId ? eq(auditLog.entityId, filter.entityId) : undefined,
    filter.before ? lt(auditLog.id, filter.before) : undefined,
  ];
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  return { data: page, nextCursor: rows.length > filter.limit ? String(page.at(-1)!.id) : null };
}
