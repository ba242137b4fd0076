import { sql } from "drizzle-orm";
import type { Deps } from "../../deps.js";
import { type EventRow, eventPayload } from "../events/index.js";
import { queueWebhooks, type WebhookType } from "../webhooks/index.js";

/**
 * The webhook message of an event write, for its batch, after the event's UPDATE (so the
 * payload shows the event as the change left it). The message id is the event's new revision:
 * each write announces itself once, and a retried batch queues nothing twice.
 */
export function eventWebhooks(
  deps: Pick<Deps, "config">,
  type: Extract<WebhookType, `event.${string}`>,
  before: EventRow,
  now: Date,
) {
  return queueWebhooks(
    type,
    sql`SELECT ${`msg_${before.id}_r${before.revision + 1}`} AS webhook_id,
               json_object('event', json(${eventPayload(before.id, deps.config.PUBLIC_URL)})) AS data,
               ${before.id} AS event_id, NULL AS registration_id`,
    now,
  );
}
