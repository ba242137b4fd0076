/**
 * Webhooks (issue 15, Standard Webhooks): the `webhook_endpoints` table, staff's API for it,
 * the statements other features put in the batch of a change to queue its messages
 * (`queueWebhooks`/`queueWebhooksFixed`: one INSERT ... SELECT into `webhook_messages`), their
 * fan-out into outbox rows per endpoint by the due work (`expandWebhookMessages`), the courier
 * that signs and sends them (handed to the outbox dispatcher by jobs/due-work.ts), the
 * retention of closed deliveries (`pruneWebhookDeliveries`), and each type's payload schema for
 * the OpenAPI document. Imports outbox and audit only.
 */
export { isPrivateAddress, urlRefusal } from "./address.js";
export { TIMEOUT_MS, webhookCourier } from "./courier.js";
export { EXPAND_MESSAGES, EXPAND_PASSES, expandWebhookMessages, forgetWebhookMessages } from "./expand.js";
export { queueWebhooks, queueWebhooksFixed } from "./queue.js";
export { PRUNE_PASSES, PRUNE_ROWS, pruneWebhookDeliveries } from "./retention.js";
export { webhookRoutes } from "./routes.js";
export { WEBHOOK_PAYLOADS } from "./schemas.js";
export { newSecret, signature } from "./signing.js";
export { RETRY_SCHEDULE_MS, WEBHOOK_TYPES, type WebhookType } from "./types.js";
