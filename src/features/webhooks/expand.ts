import { type SQL, sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { enqueue } from "../outbox/index.js";
import { templateOf, WEBHOOK_TYPES } from "./types.js";

/** Messages expanded per pass (one batch of two statements; no bound list: D1's 100 parameters hold). */
export const EXPAND_MESSAGES = 500;
/**
 * Passes per run: 20 passes are at most 60 queries (6% of a Worker invocation's
 * D1_MAX_QUERIES_PER_INVOCATION, src/lib/budgets.ts) and 10,000 messages; a larger backlog goes
 * on in the next run. A run with nothing waiting costs one pass.
 */
export const EXPAND_PASSES = 20;

const templateCase = `CASE m.type ${WEBHOOK_TYPES.map((t) => `WHEN '${t}' THEN '${templateOf(t)}'`).join(" ")} END`;

/**
 * Fans the waiting webhook messages (queue.ts) out into one outbox row per endpoint that wants
 * each, and deletes them, in ONE batch per pass, oldest first. Run by the due work before the
 * webhook dispatch, on both runtimes.
 *
 * - Exactly once per endpoint and message id: the outbox dedupe key `wh:<endpoint>:<message id>`
 *   is unique, so a replayed change, or two runners expanding the same message (two Node
 *   processes; the batch is a transaction, so the second finds it deleted), queue nothing twice.
 * - The endpoints are those enabled and wanting the type now, created no later than the change:
 *   an endpoint added after a change does not receive it (it would not have, had the message been
 *   expanded at once), and one disabled meanwhile gets nothing, as a disabled endpoint never does.
 * - The outbox row keeps the change's time (created_at, and the payload's `timestamp`), and is
 *   due at once.
 */
export async function expandWebhookMessages(deps: Pick<Deps, "db">, now: Date): Promise<number> {
  let expanded = 0;
  for (let pass = 0; pass < EXPAND_PASSES; pass++) {
    const oldest = sql`SELECT * FROM webhook_messages ORDER BY seq LIMIT ${EXPAND_MESSAGES}`;
    const [countRows] = await sqlBatch(deps.db, [
      sql`SELECT count(*) AS n FROM (${oldest})`,
      enqueue(
        sql`SELECT 'wh:' || e.id || ':' || m.webhook_id AS dedupe_key, ${sql.raw(templateCase)} AS template,
                   json_object('endpointId', e.id, 'webhookId', m.webhook_id, 'type', m.type,
                               'timestamp', strftime('%Y-%m-%dT%H:%M:%fZ', m.created_at / 1000.0, 'unixepoch'),
                               'data', json(m.data)) AS params,
                   m.event_id, m.registration_id, NULL AS reminder_id
            FROM (${oldest}) AS m JOIN webhook_endpoints e
              ON e.enabled = 1 AND e.created_at <= m.created_at
             AND EXISTS (SELECT 1 FROM json_each(e.event_types) t WHERE t.value = m.type)`,
        { at: now, channel: "webhook" },
      ),
      sql`DELETE FROM webhook_messages WHERE seq IN (SELECT seq FROM (${oldest}))`,
    ]);
    const n = Number(countRows?.[0]?.n ?? 0);
    expanded += n;
    if (n < EXPAND_MESSAGES) break;
  }
  return expanded;
}

/**
 * For the batch of an erasure: deletes the messages about these registrations that are still
 * waiting (outbox forgetWebhookData empties those already expanded), so none is sent.
 */
export const forgetWebhookMessages = (registrationIds: SQL) =>
  sql`DELETE FROM webhook_messages WHERE registration_id IN (${registrationIds})`;
