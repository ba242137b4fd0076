import { sql } from "drizzle-orm";
import { sqlAll } from "../../src/db/batch.js";
import { expandWebhookMessages } from "../../src/features/webhooks/index.js";
import type { TestApp } from "./app.js";

/** Creates a webhook endpoint through the staff API, failing loudly; returns it with its secret. */
export async function addEndpoint(
  t: TestApp,
  key: string,
  url: string,
  eventTypes: string[],
  extra: Record<string, unknown> = {},
) {
  const res = await t.request("POST", "/api/v1/webhooks/endpoints", {
    key,
    body: { url, eventTypes, ...extra },
  });
  if (res.status !== 201) throw new Error(`endpoint not created: ${res.status} ${res.text}`);
  return res.body as { id: string; secret: string; url: string };
}

export interface QueuedWebhook {
  id: string;
  dedupeKey: string;
  template: string;
  status: string;
  attempts: number;
  createdAt: number;
  params: { endpointId: string; webhookId: string; type: string; timestamp: string; data: any };
}

/**
 * The webhook rows of the outbox, oldest first, after fanning out the messages committed so far
 * to their endpoints (as the due work does first).
 */
export async function queuedWebhooks(t: Pick<TestApp, "db" | "clock">): Promise<QueuedWebhook[]> {
  await expandWebhookMessages(t, t.clock.now());
  const rows = await sqlAll<Record<string, unknown>>(
    t.db,
    sql`SELECT id, dedupe_key, template, status, attempts, created_at, params FROM outbox
        WHERE channel = 'webhook' ORDER BY rowid`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    dedupeKey: String(r.dedupe_key),
    template: String(r.template),
    status: String(r.status),
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    params: JSON.parse(String(r.params)),
  }));
}

/** The types queued, in order. */
export const typesQueued = async (t: Pick<TestApp, "db" | "clock">) =>
  (await queuedWebhooks(t)).map((w) => w.params.type);
