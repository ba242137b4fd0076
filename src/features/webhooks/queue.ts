import { type SQL, sql } from "drizzle-orm";
import type { Query } from "../../db/batch.js";
import { enqueue, enqueueFixed } from "../outbox/index.js";
import { templateOf, type WebhookType } from "./types.js";

/**
 * Webhook messages for the batch of the change that causes them: ONE INSERT ... SELECT of one
 * outbox row per (enabled endpoint that wants `type`) x (row of `source`). Endpoints are the
 * outer loop (CROSS JOIN keeps SQLite from reordering), so a change nobody subscribed to reads
 * the small endpoint table and nothing else.
 *
 * `source` is a SELECT, written by the feature that owns the data, of: webhook_id (the message
 * id, the same for every endpoint and every retry: `webhook-id`; derived from the change, so a
 * replayed batch queues nothing twice), data (JSON text: the payload's `data`), event_id,
 * registration_id. The payload is fixed when the change commits: it says what happened then.
 * The dedupe key `wh:<endpoint id>:<webhook id>` lists an endpoint's deliveries (outbox keyed.ts).
 */
const selectText = (type: WebhookType, source: string) => `
  SELECT 'wh:' || e.id || ':' || s.webhook_id AS dedupe_key, '${templateOf(type)}' AS template,
         json_object('endpointId', e.id, 'webhookId', s.webhook_id, 'type', '${type}',
                     'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', ? / 1000.0, 'unixepoch'),
                     'data', json(s.data)) AS params,
         s.event_id, s.registration_id, NULL AS reminder_id
  FROM webhook_endpoints e CROSS JOIN (${source}) AS s
  WHERE e.enabled = 1 AND EXISTS (SELECT 1 FROM json_each(e.event_types) t WHERE t.value = '${type}')`;

export function queueWebhooks(type: WebhookType, source: SQL, at: Date): SQL {
  const [before, after] = selectText(type, "\u0000").split("\u0000") as [string, string];
  const [head, tail] = before.split("?") as [string, string];
  return enqueue(sql`${sql.raw(head)}${at.getTime()}${sql.raw(tail)}${source}${sql.raw(after)}`, {
    at,
    channel: "webhook",
  });
}

/**
 * `queueWebhooks` for the registration's hot path (q``: the text is built once): `source` is a
 * fixed SELECT text with ? parameters; the function takes the time and those parameters.
 */
export function queueWebhooksFixed(
  type: WebhookType,
  source: string,
): (at: number, ...params: unknown[]) => Query {
  const insert = enqueueFixed(selectText(type, source), "webhook");
  return (at, ...params) => insert(at, at, ...params);
}
