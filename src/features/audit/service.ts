import { and, desc, eq, lt, SQL, sql } from "drizzle-orm";
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

/** An audit_log row written only when `condition` holds inside the batch; `after` may be SQL. */
export function auditWhen(
  actor: Actor,
  at: Date,
  entry: { action: string; entityType: string; entityId: string; before?: unknown; after?: unknown },
  condition: SQL,
): SQL {
  const json = (v: unknown) => (v instanceof SQL ? v : sql`${v === undefined ? null : JSON.stringify(v)}`);
  return sql`
    INSERT INTO audit_log (at, key_id, key_name, action, entity_type, entity_id, before, after, request_id)
    SELECT ${at.getTime()}, ${actor.keyId}, ${actor.keyName}, ${entry.action}, ${entry.entityType},
           ${entry.entityId}, ${json(entry.before)}, ${json(entry.after)}, ${actor.requestId}
    WHERE ${condition}`;
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
