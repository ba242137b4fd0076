import type { Deps } from "../../deps.js";
import { pruneClosedWebhooks } from "../outbox/index.js";

const DAY_MS = 86_400_000;
/** Deliveries deleted by one statement, and statements a run may make: 2,000 a run, 4 queries. */
export const PRUNE_ROWS = 500;
export const PRUNE_PASSES = 4;

/**
 * Retention of webhook deliveries: closed ones (sent or dead) older than
 * WEBHOOK_RETENTION_DAYS are deleted, so the outbox does not keep every payload forever (each
 * about 1 KB, and registrants' names and addresses in `registration.*`). Pending and sending
 * ones are never touched, however old. Up to PRUNE_PASSES statements of PRUNE_ROWS a run,
 * oldest first; a backlog (the first run after an upgrade) goes down over the next runs.
 * Returns how many were deleted.
 */
export async function pruneWebhookDeliveries(deps: Pick<Deps, "db" | "config">, now: Date): Promise<number> {
  const before = now.getTime() - deps.config.WEBHOOK_RETENTION_DAYS * DAY_MS;
  let deleted = 0;
  for (let pass = 0; pass < PRUNE_PASSES; pass++) {
    const n = await pruneClosedWebhooks(deps.db, before, PRUNE_ROWS);
    deleted += n;
    if (n < PRUNE_ROWS) break;
  }
  return deleted;
}
