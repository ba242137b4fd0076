import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiKey } from "../../src/features/auth/service.js";
import { systemClock } from "../../src/lib/clock.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";
import { keptQueue } from "../support/edge-queue.js";
import { publishedWithRegistrant, workerCall } from "../support/worker-call.js";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("webhooks on the Worker", () => {
  it("the Cron Trigger's due work signs and delivers a queued message with Web Crypto", async () => {
    const { key, endpoint, slug } = await endpointAndRegistration();
    const received = receiver();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env as never, ctx);
    await waitOnExecutionContext(ctx);
    await expectOneSignedDelivery(received, endpoint, slug, key);
  });

  it("with the delivery queue bound, the cron only queues webhooks and the queue consumer delivers them", async () => {
    const { key, endpoint, slug } = await endpointAndRegistration();
    const received = receiver();
    const queue = keptQueue();
    const bound = { ...env, OUTBOX_QUEUE: queue.binding };
    let ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), bound as never, ctx);
    await waitOnExecutionContext(ctx);
    // The cron sent nothing itself: it claimed the webhook and queued it as a webhook chunk.
    expect(received).toHaveLength(0);
    // (The confirmation email went in a chunk of its own; this test leaves mail aside.)
    const chunks = queue.batches
      .flat()
      .map((m) => m.body)
      .filter((c) => c.channel === "webhook");
    expect(chunks.flatMap((c) => c.ids)).toHaveLength(1);

    const batch = createMessageBatch(
      "convene-outbox",
      chunks.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, bound as never, ctx);
    expect((await getQueueResult(batch, ctx)).retryMessages).toEqual([]);
    await expectOneSignedDelivery(received, endpoint, slug, key);

    // Delivered again by the queue (at least once), the chunk finds its row sent and sends nothing.
    ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, bound as never, ctx);
    await getQueueResult(batch, ctx);
    expect(received).toHaveLength(1);
  });
});

/** An admin key, an endpoint for registration.created, and one registration to announce. */
async function endpointAndRegistration() {
  {
    const db = await freshDb();
    const { key } = await createApiKey({ db, tokens: cryptoTokens, clock: systemClock } as never, {
      name: "webhook cron test",
      scopes: ["admin"],
    });
    const endpoint = await workerCall(
      "POST",
      "/api/v1/webhooks/endpoints",
      { url: "https://hooks.example.org/convene", eventTypes: ["registration.created"] },
      key,
    );
    expect(endpoint.status).toBe(201);
    const startsAt = new Date(Date.now() + 48 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const slug = await publishedWithRegistrant(key, {
      title: "Edge webhooks",
      startsAt,
      timeZone: "Europe/Kyiv",
    });
    return { key, endpoint: endpoint.body as { id: string; secret: string }, slug };
  }
}

/**
 * The receiver, seen from inside workerd (the network is loopback only): the Worker's own
 * fetch reaches it, and the test checks each request as a real receiver would.
 */
function receiver(): Request[] {
  const received: Request[] = [];
  const realFetch = globalThis.fetch;
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (new URL(request.url).hostname !== "hooks.example.org") return realFetch(input, init);
    received.push(request);
    return new Response(null, { status: 204 });
  });
  return received;
}

async function expectOneSignedDelivery(
  received: Request[],
  endpoint: { id: string; secret: string },
  slug: string,
  key: string,
) {
  expect(received).toHaveLength(1);
  const request = received[0]!;
  expect(request.redirect).toBe("manual");
  const headers = Object.fromEntries(request.headers);
  const payload = new Webhook(endpoint.secret).verify(await request.text(), headers) as any;
  expect(payload).toMatchObject({
    type: "registration.created",
    data: {
      registration: { email: "olena@example.org", name: "Olena" },
      event: { slug },
    },
  });
  const deliveries = await workerCall(
    "GET",
    `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries`,
    undefined,
    key,
  );
  expect(deliveries.body.data).toEqual([expect.objectContaining({ status: "sent", attempts: 1 })]);
}
