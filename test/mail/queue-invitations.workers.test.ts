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
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";
import {
  keptQueue,
  provider,
  publishedEventWithReminder,
  reminderDueNow,
  seedConfirmed,
  workerEnv,
} from "../support/edge-queue.js";
import { workerCall } from "../support/worker-call.js";

let mail: ReturnType<typeof provider> | undefined;
afterEach(() => mail?.restore());

async function register(slug: string, email: string) {
  const res = await workerCall(
    "POST",
    `/api/v1/events/${slug}/registrations`,
    { name: email.split("@")[0], email, consent: true },
    undefined,
    { "cf-connecting-ip": "203.0.113.9" },
  );
  expect(res.status).toBe(202);
}

describe("queued mail with invitations", () => {
  it("sends each invitation alone to the single endpoint (a batch takes no attachments) and the rest in one batch", async () => {
    await freshDb();
    const event = await publishedEventWithReminder("Invitations and reminders");
    for (const who of ["ada", "bob", "cleo"]) await register(event.slug, `${who}@example.org`);
    await seedConfirmed(env.DB, event.id, 5);
    await reminderDueNow(env.DB, event.id);
    mail = provider();
    const queue = keptQueue();

    let ctx = createExecutionContext();
    await worker.scheduled(
      createScheduledController({ cron: "* * * * *" }),
      workerEnv(env.DB, queue.binding) as never,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const chunks = queue.batches.flat().map((m) => m.body);
    const batch = createMessageBatch<DeliveryChunk>(
      "convene-outbox",
      chunks.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, workerEnv(env.DB, queue.binding) as never, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);

    const singles = mail.accepted.filter((r) => r.path === "/emails");
    const batches = mail.accepted.filter((r) => r.path === "/emails/batch");
    // Three confirmations, each with its invitation attached, each under its own key.
    expect(singles.map((r) => r.emails[0]!.to[0]).sort()).toEqual([
      "ada@example.org",
      "bob@example.org",
      "cleo@example.org",
    ]);
    for (const r of singles) {
      expect((r.emails[0] as { attachments?: { filename: string }[] }).attachments?.[0]?.filename).toBe(
        "invite.ics",
      );
    }
    expect(new Set(singles.map((r) => r.idempotencyKey)).size).toBe(3);
    // Five reminders (the registrants confirmed before it fell due; the three who registered
    // after got their confirmation instead), none with an attachment, in one batch.
    const batched = batches.flatMap((r) => r.emails);
    expect(batches).toHaveLength(1);
    expect(batched.map((e) => e.to[0]).sort()).toEqual([1, 2, 3, 4, 5].map((i) => `person${i}@example.org`));
    expect(batched.every((e) => !("attachments" in e))).toBe(true);
    const { results } = await env.DB.prepare(
      "SELECT status, count(*) AS n FROM outbox WHERE event_id = ? GROUP BY status",
    )
      .bind(event.id)
      .all<{ status: string; n: number }>();
    expect(results).toEqual([{ status: "sent", n: 8 }]);
  });
});
