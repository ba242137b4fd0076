/**
 * Outbox: the `outbox` table, a plain queue. Features queue messages with `enqueue` in the batch
 * of the change that causes them; the dispatcher claims, renders (by the message kinds given at
 * composition, src/composition.ts) and sends them at least once, never twice per dedupe key.
 * Imports no feature but audit (staff retries are audited).
 */

export { claimants, releaseClaims } from "./claims.js";
export { type ClaimedRow, claimDue, type DispatchReport, dispatchOutbox, LEASE_MS } from "./dispatcher.js";
export { type Channel, enqueue, enqueueFixed } from "./enqueue.js";
export { queuedLater, queuedOtherThan, reminderDeliveryCounts } from "./fragments.js";
export {
  closedWebhooks,
  copyMessage,
  forgetWebhookData,
  type KeyedMessage,
  messagesUnder,
  messageUnder,
  pruneClosedWebhooks,
} from "./keyed.js";
export {
  type Courier,
  type CourierResult,
  type MessageKind,
  MessageKinds,
  messageIdFor,
  type OutboxMessageRow,
  type RenderDeps,
  type Rendered,
  type RenderItem,
} from "./kinds.js";
export {
  type ChunkOutcome,
  deliverChunk,
  QUEUE_CHUNK_ROWS,
  QUEUE_CLAIM_ROWS,
  QUEUE_CLAIMS_PER_RUN,
  QUEUE_LEASE_MS,
  type QueueReport,
  queueDue,
} from "./queue.js";
export { outboxRoutes } from "./routes.js";
