import { desc, eq, sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import type { Db } from "../../db/client.js";
import { webhookEndpoints } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { invalidField, notFound } from "../../lib/problem.js";
import { isoUtc } from "../../lib/time.js";
import { type Actor, auditInsert } from "../audit/index.js";
import { copyMessage, type KeyedMessage, messagesUnder, messageUnder } from "../outbox/index.js";
import { urlRefusal } from "./address.js";
import { newSecret } from "./signing.js";
import type { WebhookType } from "./types.js";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** What staff see of an endpoint: never the secret (it is shown once, at creation and rotation). */
export function endpointView(r: EndpointRow) {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    eventTypes: r.eventTypes as WebhookType[],
    enabled: r.enabled,
    disabledReason: r.disabledReason,
    disabledAt: r.disabledAt ? isoUtc(r.disabledAt) : null,
    lastSuccessAt: r.lastSuccessAt ? isoUtc(r.lastSuccessAt) : null,
    createdAt: isoUtc(r.createdAt),
    updatedAt: isoUtc(r.updatedAt),
  };
}
export type EndpointView = ReturnType<typeof endpointView>;

async function checkUrl(deps: Deps, url: string) {
  const refusal = await urlRefusal(deps, url);
  if (refusal) throw invalidField("url", refusal);
}

export async function findEndpoint(db: Db, id: string): Promise<EndpointRow | undefined> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row;
}

async function requireEndpoint(db: Db, id: string): Promise<EndpointRow> {
  const row = await findEndpoint(db, id);
  if (!row) throw notFound(`Webhook endpoint ${id}`);
  return row;
}

export async function createEndpoint(
  deps: Deps,
  actor: Actor,
  input: { url: string; eventTypes: WebhookType[]; description?: string | null; enabled?: boolean },
): Promise<EndpointView & { secret: string }> {
  await checkUrl(deps, input.url);
  const now = deps.clock.now();
  const row: EndpointRow = {
    id: deps.tokens.id("whe"),
    url: input.url,
    description: input.description ?? null,
    eventTypes: [...new Set(input.eventTypes)],
    secret: newSecret(),
    enabled: input.enabled ?? true,
    disabledReason: null,
    disabledAt: null,
    lastSuccessAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const view = endpointView(row);
  await sqlBatch(deps.db, [
    deps.db.insert(webhookEndpoints).values(row),
    auditInsert(deps.db, now, actor, {
      action: "webhook.create",
      entityType: "webhook_endpoint",
      entityId: row.id,
      after: view,
    }),
  ]);
  return { ...view, secret: row.secret };
}

export async function listEndpoints(db: Db): Promise<EndpointView[]> {
  const rows = await db.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
  return rows.map(endpointView);
}

export async function getEndpoint(db: Db, id: string): Promise<EndpointView> {
  return endpointView(await requireEndpoint(db, id));
}

/** Changes what was given; enabling an endpoint again clears why it was disabled. */
export async function updateEndpoint(
  deps: Deps,
  actor: Actor,
  id: string,
  input: { url?: string; eventTypes?: WebhookType[]; description?: string | null; enabled?: boolean },
): Promise<EndpointView> {
  const before = await requireEndpoint(deps.db, id);
  if (input.url !== undefined) await checkUrl(deps, input.url);
  const now = deps.clock.now();
  const set: Partial<EndpointRow> = { updatedAt: now };
  if (input.url !== undefined) set.url = input.url;
  if (input.eventTypes !== undefined) set.eventTypes = [...new Set(input.eventTypes)];
  if (input.description !== undefined) set.description = input.description;
  if (input.enabled !== undefined) {
    set.enabled = input.enabled;
    if (input.enabled) Object.assign(set, { disabledReason: null, disabledAt: null });
  }
  const after = endpointView({ ...before, ...set });
  await sqlBatch(deps.db, [
    deps.db.update(webhookEndpoints).set(set).where(eq(webhookEndpoints.id, id)),
    auditInsert(deps.db, now, actor, {
      action: "webhook.update",
      entityType: "webhook_endpoint",
      entityId: id,
      before: endpointView(before),
      after,
    }),
  ]);
  return getEndpoint(deps.db, id);
}

/** Deletes an endpoint; its queued messages are skipped at send time (the endpoint is gone). */
export async function deleteEndpoint(deps: Deps, actor: Actor, id: string): Promise<void> {
  const before = await requireEndpoint(deps.db, id);
  const now = deps.clock.now();
  await sqlBatch(deps.db, [
    deps.db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)),
    auditInsert(deps.db, now, actor, {
      action: "webhook.delete",
      entityType: "webhook_endpoint",
      entityId: id,
      before: endpointView(before),
    }),
  ]);
}

/** A new secret, at once (messages still queued are signed with it); shown in this answer only. */
export async function rotateSecret(deps: Deps, actor: Actor, id: string): Promise<{ secret: string }> {
  await requireEndpoint(deps.db, id);
  const now = deps.clock.now();
  const secret = newSecret();
  await sqlBatch(deps.db, [
    deps.db.update(webhookEndpoints).set({ secret, updatedAt: now }).where(eq(webhookEndpoints.id, id)),
    auditInsert(deps.db, now, actor, {
      action: "webhook.rotate_secret",
      entityType: "webhook_endpoint",
      entityId: id,
    }),
  ]);
  return { secret };
}

/** The dedupe-key prefix of an endpoint's messages (queue.ts). */
const keyPrefix = (endpointId: string) => `wh:${endpointId}:`;

/** A delivery as staff see it: the message's state and history, its type and webhook-id. */
function deliveryView(m: KeyedMessage) {
  const { params, dedupeKey: _, channel: __, ...rest } = m;
  return { ...rest, type: String(params.type), webhookId: String(params.webhookId) };
}
export type DeliveryView = ReturnType<typeof deliveryView>;

export async function listDeliveries(deps: Deps, endpointId: string, q: { limit: number; cursor?: string }) {
  await requireEndpoint(deps.db, endpointId);
  const page = await messagesUnder(deps.db, keyPrefix(endpointId), q);
  return { data: page.data.map(deliveryView), nextCursor: page.nextCursor };
}

/**
 * Sends a delivery again: a copy with the same webhook-id and payload (a receiver that
 * deduplicates by webhook-id sees the same message), queued now, with attempts of its own.
 */
export async function replayDelivery(deps: Deps, actor: Actor, endpointId: string, deliveryId: string) {
  await requireEndpoint(deps.db, endpointId);
  const original = await messageUnder(deps.db, keyPrefix(endpointId), deliveryId);
  if (!original) throw notFound(`Delivery ${deliveryId}`);
  const now = deps.clock.now();
  const key = `${original.dedupeKey}:replay:${deps.tokens.id("rpl")}`;
  await sqlBatch(deps.db, [
    copyMessage(deliveryId, key, now),
    auditInsert(deps.db, now, actor, {
      action: "webhook.replay",
      entityType: "webhook_endpoint",
      entityId: endpointId,
      after: { delivery: deliveryId },
    }),
  ]);
  const [copy] = (await messagesUnder(deps.db, key, { limit: 1 })).data;
  return deliveryView(copy!);
}

/** After a 2xx: the endpoint works (what the exhaustion rule compares against). */
export const markSuccess = (db: Db, id: string, at: number) =>
  db.run(sql`UPDATE webhook_endpoints SET last_success_at = ${at} WHERE id = ${id}`);

/**
 * Disables an endpoint with the reason staff will read, unless it already is; `unlessSuccessSince`:
 * only if nothing reached it since then (the exhaustion rule: failing for a whole retry span).
 */
export async function disableEndpoint(
  db: Db,
  id: string,
  reason: string,
  at: number,
  unlessSuccessSince?: number,
) {
  const since = unlessSuccessSince ?? null;
  await db.run(
    sql`UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ${reason.slice(0, 500)}, disabled_at = ${at}, updated_at = ${at}
        WHERE id = ${id} AND enabled = 1
          AND (${since} IS NULL OR last_success_at IS NULL OR last_success_at < ${since})`,
  );
}
