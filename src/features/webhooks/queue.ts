import { type SQL, sql } from "drizzle-orm";
import type { Query } from "../../db/batch.js";
import type { WebhookType } from "./types.js";

/**
 * Webhook messages for the batch of the change that causes them: ONE INSERT ... SELECT of one
 * `webhook_messages` row per row of `source`, when any enabled endpoint wants `type` (checked
 * once, before `source` is read: a change nobody subscribed to reads the small endpoint table and
 * nothing else). The due work fans each message out to its endpoints' outbox rows (expand.ts).
 *
 * Why not an outbox row per endpoint here: a registration is the hot path, and each outbox row
 * writes four b-tree entries (two of them at random pages) and its own copy of the ~1 KB
 * payload. With three endpoints that cost registration a third of its throughput (bench
 * `registration-webhooks`); one row at the right edge of one b-tree costs a few per cent.
 *
 * `source` is a SELECT, written by the feature that owns the data, of: webhook_id (the message
 * id, the same for every endpoint and every retry: `webhook-id`; derived from the change, so a
 * replayed batch queues nothing twice: expansion's dedupe keys absorb a repeat), data (JSON text:
 * the payload's `data`), event_id, registration_id. The payload is fixed when the change
 * commits: it says what happened then.
 */
const wanted = (type: WebhookType) => `EXISTS (SELECT 1 FROM webhook_endpoints e
    WHERE e.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(e.event_types) t WHERE t.value = '${type}'))`;

const insertHead = (type: WebhookType) => `
  INSERT INTO webhook_messages (webhook_id, type, data, event_id, registration_id, created_at)
  SELECT s.webhook_id, '${type}', s.data, s.event_id, s.registration_id, `;

export function queueWebhooks(type: WebhookType, source: SQL, at: Date): SQL {
  return sql`${sql.raw(insertHead(type))}${at.getTime()} FROM (${source}) AS s WHERE ${sql.raw(wanted(type))}`;
}

/**
 * `queueWebhooks` for the registration's hot path (q``: the text is built once): `source` is a
 * fixed SELECT text with ? parameters; the function takes the time and those parameters.
 */
export function queueWebhooksFixed(
  type: WebhookType,
  source: string,
): (at: number, ...params: unknown[]) => Query {
  const text = `${insertHead(type)}? FROM (${source}) AS s WHERE ${wanted(type)}`;
  return (at, ...params) => ({ sql: text, params: [at, ...params] });
}
