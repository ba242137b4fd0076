import { messageKinds } from "../composition.js";
import type { DeliveryChunk, Deps } from "../deps.js";
import { type DispatchReport, deliverChunk, QUEUE_CHUNK_ROWS } from "../features/outbox/index.js";
import { webhookCourier } from "../features/webhooks/index.js";
import { WORKER_MAX_OPEN_CONNECTIONS } from "../lib/budgets.js";

/** Chunks worked on at once in one invocation: below the connections a Worker may hold open. */
export const CHUNKS_IN_FLIGHT = WORKER_MAX_OPEN_CONNECTIONS - 2;

/** What the consumer needs of a queue message (Cloudflare's Message, by shape). */
export interface QueuedMessage {
  readonly body: unknown;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

/** A redelivery waits longer each time (30 s, 60 s, ... capped at 10 min), within the claim's lease. */
export const retryDelaySeconds = (attempts: number) => Math.min(30 * 2 ** Math.max(0, attempts - 1), 600);

function isChunk(body: unknown): body is DeliveryChunk {
  const b = body as DeliveryChunk;
  return (
    typeof b === "object" &&
    b !== null &&
    typeof b.claimId === "string" &&
    Array.isArray(b.ids) &&
    b.ids.length <= QUEUE_CHUNK_ROWS &&
    (b.channel === undefined || b.channel === "webhook") &&
    b.ids.every((id) => typeof id === "string")
  );
}

/**
 * The Worker's queue consumer: each message is one chunk of claimed outbox rows
 * (outbox/queue.ts deliverChunk), up to four provider batch requests. A chunk is acknowledged once its
 * outcome is recorded in the outbox, and retried (same claim, same rows, same Idempotency-Key)
 * when the outcome is unknown or the database failed; after the queue's max_retries it goes to
 * the dead-letter queue, and its rows, still 'sending', are claimed again when their lease ends.
 * Each chunk is four subrequests at most (QUEUE_CHUNK_ROWS: four provider batches, sent one after
 * the other) and 7 queries (src/lib/budgets.ts); CHUNKS_IN_FLIGHT at a time.
 */
export async function deliverQueued(deps: Deps, messages: readonly QueuedMessage[]): Promise<DispatchReport> {
  const total: DispatchReport = { claimed: 0, sent: 0, skipped: 0, failed: 0, dead: 0, released: 0 };
  const one = async (msg: QueuedMessage) => {
    if (!isChunk(msg.body)) {
      // Not ours, or malformed: retrying cannot help, and no row depends on it.
      deps.log("error", "queue message is not an outbox chunk", {});
      msg.ack();
      return;
    }
    try {
      const out = await deliverChunk(deps, { kinds: messageKinds, courier: webhookCourier }, msg.body);
      if (out.retry) {
        deps.log("warn", "outbox chunk retried", { claimId: msg.body.claimId, error: out.error });
        msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
        return;
      }
      for (const k of Object.keys(total) as (keyof DispatchReport)[]) total[k] += out.report[k];
      msg.ack();
    } catch (err) {
      deps.log("error", "outbox chunk failed", {
        claimId: msg.body.claimId,
        error: err instanceof Error ? err.message : String(err),
      });
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    }
  };
  // A few chunks at once, so that one chunk's rendering overlaps another's D1 reads and
  // provider request; each holds one connection at most while it sends.
  let next = 0;
  const lanes = Math.min(CHUNKS_IN_FLIGHT, messages.length);
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < messages.length) await one(messages[next++]!);
    }),
  );
  return total;
}
