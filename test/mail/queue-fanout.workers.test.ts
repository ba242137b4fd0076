import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, describe, expect, it } from "vitest";
import type { DeliveryChunk } from "../../src/deps.js";
import { QUEUE_CHUNK_ROWS } from "../../src/features/outbox/index.js";
import {
  D1_MAX_BOUND_PARAMS,
  D1_MAX_QUERIES_PER_INVOCATION,
  D1_MAX_STATEMENT_BYTES,
  EMAIL_BATCH_MAX,
  INVOCATION_QUERY_SHARE,
  INVOCATION_SUBREQUEST_SHARE,
  QUEUE_MAX_BATCH_BYTES,
  QUEUE_MAX_BATCH_MESSAGES,
  WORKER_MAX_SUBREQUESTS,
} from "../../src/lib/budgets.js";
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";
import {
  keptQueue,
  meteredD1,
  provider,
  publishedEventWithReminder,
  reminderDueNow,
  seedConfirmed,
  workerEnv,
} from "../support/edge-queue.js";

/** wrangler.toml's max_batch_size for convene-outbox: chunks per consumer invocation. */
const MAX_BATCH_SIZE = 10;

let mail: ReturnType<typeof provider> | undefined;
afterEach(() => mail?.restore());

/** One cron invocation with its own metered database; returns what it asked of D1. */
async function cron(queue: Queue<DeliveryChunk>) {
  const db = meteredD1(env.DB);
  const ctx = createExecutionContext();
  await worker.scheduled(
    createScheduledController({ cron: "* * * * *" }),
    workerEnv(db.binding, queue) as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  withinStatementBudgets(db.meter);
  return db.meter;
}

/** Every statement an invocation made: within D1's bound parameters and statement size. */
function withinStatementBudgets(meter: ReturnType<typeof meteredD1>["meter"]) {
  expect(meter.maxParams, meter.widest).toBeLessThanOrEqual(D1_MAX_BOUND_PARAMS);
  expect(meter.maxBytes).toBeLessThanOrEqual(D1_MAX_STATEMENT_BYTES);
  expect(meter.queries).toBeLessThanOrEqual(D1_MAX_QUERIES_PER_INVOCATION);
}

/** One consumer invocation on these chunks (as the local queue delivers them, `attempts` each). */
async function consume(chunks: DeliveryChunk[], queue: Queue<DeliveryChunk>, attempts = 1) {
  const db = meteredD1(env.DB);
  const requestsBefore = (mail?.accepted.length ?? 0) + (mail?.refused.length ?? 0);
  const batch = createMessageBatch<DeliveryChunk>(
    "convene-outbox",
    chunks.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, workerEnv(db.binding, queue) as never, ctx);
  const result = await getQueueResult(batch, ctx);
  const subrequests = (mail?.accepted.length ?? 0) + (mail?.refused.length ?? 0) - requestsBefore;
  withinStatementBudgets(db.meter);
  expect(subrequests).toBeLessThanOrEqual(WORKER_MAX_SUBREQUESTS);
  return { result, meter: db.meter, subrequests };
}

async function outboxStatuses(eventId: string) {
  const { results } = await env.DB.prepare(
    "SELECT status, count(*) AS n FROM outbox WHERE event_id = ? AND template = 'event.reminder' GROUP BY status ORDER BY status",
  )
    .bind(eventId)
    .all<{ status: string; n: number }>();
  return Object.fromEntries(results.map((r) => [r.status, r.n]));
}

describe("reminders fan out through the Worker's queue", () => {
  it("sends a reminder to 10,000 registrants exactly once, every invocation within the platform's budgets", async () => {
    await freshDb();
    const event = await publishedEventWithReminder("Ten thousand");
    await seedConfirmed(env.DB, event.id, 10_000);
    await reminderDueNow(env.DB, event.id);
    mail = provider();
    const queue = keptQueue();

    const cronMeter = await cron(queue.binding);
    // The cron fans out and claims, but sends nothing itself: the queue carries ids, not mail.
    expect(mail.accepted).toHaveLength(0);
    // (Measured: 62 queries, 19 parameters at most, 5 sendBatches.) The meter sees every statement.
    expect(cronMeter.queries).toBeLessThanOrEqual(INVOCATION_QUERY_SHARE);
    expect(cronMeter.maxParams).toBeGreaterThan(0);
    expect(queue.batches.length).toBeLessThanOrEqual(INVOCATION_SUBREQUEST_SHARE);
    for (const batch of queue.batches) {
      expect(batch.length).toBeLessThanOrEqual(QUEUE_MAX_BATCH_MESSAGES);
      expect(new TextEncoder().encode(JSON.stringify(batch.map((m) => m.body))).length).toBeLessThanOrEqual(
        QUEUE_MAX_BATCH_BYTES,
      );
    }
    const chunks = queue.batches.flat().map((m) => m.body);
    expect(chunks.every((c) => c.ids.length <= QUEUE_CHUNK_ROWS)).toBe(true);
    expect(new Set(chunks.flatMap((c) => c.ids)).size).toBe(10_000);

    // The consumer, MAX_BATCH_SIZE chunks an invocation as wrangler.toml's max_batch_size says.
    for (let i = 0; i < chunks.length; i += MAX_BATCH_SIZE) {
      const some = chunks.slice(i, i + MAX_BATCH_SIZE);
      const { result, meter, subrequests } = await consume(some, queue.binding);
      expect(result.retryMessages).toEqual([]);
      expect(result.explicitAcks).toHaveLength(some.length);
      // One provider request per EMAIL_BATCH_MAX rows (four a full chunk) and 7 queries per chunk
      // (the held rows; tokens, facts and event in one batch of 5; the mark), so a full batch
      // stays inside the invocation's shares.
      expect(subrequests).toBe(some.reduce((n, c) => n + Math.ceil(c.ids.length / EMAIL_BATCH_MAX), 0));
      expect(subrequests).toBeLessThanOrEqual(INVOCATION_SUBREQUEST_SHARE);
      expect(meter.queries).toBeLessThanOrEqual(7 * some.length);
      // ...in 3 round trips per chunk: the held rows, one render batch, the mark.
      expect(meter.roundTrips).toBeLessThanOrEqual(3 * some.length);
      expect(meter.queries).toBeLessThanOrEqual(INVOCATION_QUERY_SHARE);
    }

    const recipients = mail.accepted.flatMap((r) => r.emails.map((e) => e.to[0]));
    expect(recipients).toHaveLength(10_000);
    expect(new Set(recipients).size).toBe(10_000);
    expect(recipients).toContain("person1@example.org");
    expect(recipients).toContain("person10000@example.org");
    expect(mail.accepted.every((r) => r.path === "/emails/batch" && r.emails.length <= EMAIL_BATCH_MAX)).toBe(
      true,
    );
    expect(new Set(mail.accepted.map((r) => r.idempotencyKey)).size).toBe(mail.accepted.length);
    expect(await outboxStatuses(event.id)).toEqual({ sent: 10_000 });

    // The queue delivers at least once: every chunk again sends nothing.
    for (let i = 0; i < chunks.length; i += MAX_BATCH_SIZE)
      await consume(chunks.slice(i, i + MAX_BATCH_SIZE), queue.binding, 2);
    expect(mail.accepted.flatMap((r) => r.emails)).toHaveLength(10_000);
  }, 300_000);

  it("retries a chunk the provider failed with the same rows and key, and sends it once when the provider recovers", async () => {
    await freshDb();
    const event = await publishedEventWithReminder("Provider down");
    await seedConfirmed(env.DB, event.id, 450);
    await reminderDueNow(env.DB, event.id);
    let status = 503;
    mail = provider(() => status);
    const queue = keptQueue();
    await cron(queue.binding);
    const chunks = queue.batches.flat().map((m) => m.body);
    expect(chunks.map((c) => c.ids.length)).toEqual([400, 50]);

    const failed = await consume(chunks, queue.binding);
    // Unknown outcome: nothing acknowledged, both chunks asked for again, the rows still held.
    expect(failed.result.explicitAcks).toEqual([]);
    expect(failed.result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual([
      "msg-0",
      "msg-1",
    ]);
    expect(await outboxStatuses(event.id)).toEqual({ sending: 450 });
    // A full chunk is four provider requests, each under its own key.
    expect(mail.refused.map((r) => r.emails.length).sort((a, b) => a - b)).toEqual([50, 100, 100, 100, 100]);
    expect(new Set(mail.refused.map((r) => r.idempotencyKey)).size).toBe(5);

    status = 200;
    const retried = await consume(chunks, queue.binding, 2);
    expect(retried.result.explicitAcks).toHaveLength(2);
    // The retry re-posts each chunk under the key of its first attempt.
    expect(mail.accepted.map((r) => r.idempotencyKey).sort()).toEqual(
      mail.refused.map((r) => r.idempotencyKey).sort(),
    );
    const recipients = mail.accepted.flatMap((r) => r.emails.map((e) => e.to[0]));
    expect(new Set(recipients).size).toBe(450);
    expect(recipients).toHaveLength(450);
    expect(await outboxStatuses(event.id)).toEqual({ sent: 450 });
  }, 60_000);

  it("ends messages the provider refuses dead after the outbox's attempts, sending nothing", async () => {
    await freshDb();
    const event = await publishedEventWithReminder("Provider refuses");
    await seedConfirmed(env.DB, event.id, 30);
    await reminderDueNow(env.DB, event.id);
    mail = provider(() => 422);
    const queue = keptQueue();
    await cron(queue.binding);
    const first = await consume(
      queue.batches.flat().map((m) => m.body),
      queue.binding,
    );
    // Refused: nothing was sent, so the chunk is done and the rows back off (attempt 1 of 2).
    expect(first.result.explicitAcks).toHaveLength(1);
    expect(await outboxStatuses(event.id)).toEqual({ pending: 30 });

    await env.DB.prepare("UPDATE outbox SET next_attempt_at = ?")
      .bind(Date.now() - 1000)
      .run();
    queue.batches.length = 0;
    await cron(queue.binding);
    await consume(
      queue.batches.flat().map((m) => m.body),
      queue.binding,
    );
    expect(await outboxStatuses(event.id)).toEqual({ dead: 30 });
    expect(mail.accepted).toHaveLength(0);
    expect(mail.refused).toHaveLength(2);
  }, 60_000);

  it("claims again the rows of a chunk that never arrived (dead-lettered) once its lease ends, and sends them once", async () => {
    await freshDb();
    const event = await publishedEventWithReminder("Lost chunk");
    await seedConfirmed(env.DB, event.id, 20);
    await reminderDueNow(env.DB, event.id);
    mail = provider();
    const queue = keptQueue();
    await cron(queue.binding);
    const lost = queue.batches.flat().map((m) => m.body);
    expect(await outboxStatuses(event.id)).toEqual({ sending: 20 });

    // The chunk went to the dead-letter queue; the lease (QUEUE_LEASE_MS) runs out.
    await env.DB.prepare("UPDATE outbox SET claimed_until = ?")
      .bind(Date.now() - 1000)
      .run();
    queue.batches.length = 0;
    await cron(queue.binding);
    const again = queue.batches.flat().map((m) => m.body);
    expect(again[0]!.claimId).not.toBe(lost[0]!.claimId);
    await consume(again, queue.binding);
    // The old chunk, delivered late, finds its rows no longer held under its claim.
    await consume(lost, queue.binding, 6);
    const recipients = mail.accepted.flatMap((r) => r.emails.map((e) => e.to[0]));
    expect(recipients).toHaveLength(20);
    expect(new Set(recipients).size).toBe(20);
    expect(await outboxStatuses(event.id)).toEqual({ sent: 20 });
  }, 60_000);

  it("hands back, unsent, a chunk that arrives with too little of its lease left to finish", async () => {
    await freshDb();
    const event = await publishedEventWithReminder("Late chunk");
    await seedConfirmed(env.DB, event.id, 10);
    await reminderDueNow(env.DB, event.id);
    mail = provider();
    const queue = keptQueue();
    await cron(queue.binding);
    // The chunk waited in the queue until a minute before its lease ends (the margin is 5).
    await env.DB.prepare("UPDATE outbox SET claimed_until = ?")
      .bind(Date.now() + 60_000)
      .run();
    const late = await consume(
      queue.batches.flat().map((m) => m.body),
      queue.binding,
    );
    expect(late.result.explicitAcks).toHaveLength(1);
    expect(mail.accepted).toHaveLength(0);
    expect(await outboxStatuses(event.id)).toEqual({ pending: 10 });
  }, 60_000);

  it("fails only the rows that cannot render, in one statement, and sends the rest of the chunk", async () => {
    await freshDb();
    const event = await publishedEventWithReminder("Broken rows");
    await seedConfirmed(env.DB, event.id, 40);
    await reminderDueNow(env.DB, event.id);
    mail = provider();
    const queue = keptQueue();
    await cron(queue.binding);
    // Ten rows whose parameters no longer say whom they are for.
    await env.DB.prepare(
      "UPDATE outbox SET params = '{}' WHERE id IN (SELECT id FROM outbox WHERE template = 'event.reminder' ORDER BY rowid LIMIT 10)",
    ).run();
    const { result, meter } = await consume(
      queue.batches.flat().map((m) => m.body),
      queue.binding,
    );
    expect(result.explicitAcks).toHaveLength(1);
    expect(mail.accepted.flatMap((r) => r.emails)).toHaveLength(30);
    expect(await outboxStatuses(event.id)).toEqual({ pending: 10, sent: 30 });
    // read, render (one batch of 5: tokens, facts, event), one failure UPDATE, one mark UPDATE: no statement per row.
    expect(meter.queries).toBeLessThan(15);
  }, 60_000);
});
