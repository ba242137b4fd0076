import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { dispatchOutbox } from "../../src/features/outbox/index.js";
import {
  expandWebhookMessages,
  RETRY_SCHEDULE_MS,
  webhookCourier,
} from "../../src/features/webhooks/index.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";
import { type Receiver, startReceiver } from "../support/webhook-receiver.js";
import { addEndpoint, queuedWebhooks } from "../support/webhooks.js";

/** Instants as the API writes them (whole seconds without a fraction). */
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function setup(answer?: Parameters<typeof startReceiver>[0]) {
  const receiver = await startReceiver(answer);
  receivers.push(receiver);
  const t = await createTestApp({ now: "2026-04-01T12:00:00Z", env: { WEBHOOK_ALLOW_PRIVATE: "true" } });
  const admin = await t.key(["admin"]);
  const event = await makeEvent(t, admin, { capacity: 100 });
  const endpoint = await addEndpoint(t, admin, receiver.url(), ["registration.created"]);
  return { t, admin, event, endpoint, receiver };
}

/** Verifies a received request exactly as a receiver would, with the official library. */
const verified = (secret: string, r: { body: string; headers: Record<string, string> }) =>
  new Webhook(secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: any };

const deliveries = async (t: TestApp, key: string, endpointId: string) =>
  (await t.request("GET", `/api/v1/webhooks/endpoints/${endpointId}/deliveries`, { key })).body.data as any[];

const endpointOf = async (t: TestApp, key: string, id: string) =>
  (await t.request("GET", `/api/v1/webhooks/endpoints/${id}`, { key })).body;

describe("webhook delivery to a real HTTP receiver", () => {
  it("sends Standard Webhooks signatures that the standardwebhooks library verifies", async () => {
    const { t, admin, event, endpoint, receiver } = await setup();
    await registerFor(t, event.slug, { email: "ada@example.org", name: "Ada" });
    const report = await runDueWork(t.deps);
    expect(report.webhooks).toMatchObject({ claimed: 1, sent: 1 });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    const payload = verified(endpoint.secret, got);
    expect(payload).toMatchObject({
      type: "registration.created",
      timestamp: "2026-04-01T12:00:00.000Z",
      data: { registration: { email: "ada@example.org", name: "Ada" }, event: { id: event.id } },
    });
    expect(got.headers["content-type"]).toBe("application/json");
    const [queued] = await queuedWebhooks(t);
    expect(got.headers["webhook-id"]).toBe(queued!.params.webhookId);
    // A tampered body or another secret fails verification.
    expect(() => verified(endpoint.secret, { ...got, body: got.body.replace("Ada", "Eve") })).toThrow();
    const other = (
      await t.request("POST", `/api/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`, { key: admin })
    ).body.secret;
    await registerFor(t, event.slug, { email: "bob@example.org" });
    await runDueWork(t.deps);
    expect(verified(other, receiver.received[1]!).data.registration.email).toBe("bob@example.org");
    expect(() => verified(endpoint.secret, receiver.received[1]!)).toThrow();
    const listed = await deliveries(t, admin, endpoint.id);
    expect(listed.map((d) => [d.type, d.status, d.attempts])).toEqual([
      ["registration.created", "sent", 1],
      ["registration.created", "sent", 1],
    ]);
    expect((await endpointOf(t, admin, endpoint.id)).lastSuccessAt).toBe("2026-04-01T12:00:00Z");
  });

  it("delivers each message once per endpoint when two runners fan out and dispatch at the same time", async () => {
    const { t, admin, event, receiver } = await setup();
    await addEndpoint(t, admin, receiver.url("/two"), ["registration.created"]);
    await addEndpoint(t, admin, receiver.url("/three"), ["registration.created"]);
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => registerFor(t, event.slug, { email: `p${i}@example.org` })),
    );
    const drain = async () => {
      // Both fan the 12 messages out to the three endpoints; the dedupe keys keep one row each.
      await expandWebhookMessages(t.deps, t.clock.now());
      let sent = 0;
      for (let round = 0; round < 50; round++) {
        const r = await dispatchOutbox(t.deps, { courier: webhookCourier, limit: 5 });
        sent += r.sent;
        if (r.claimed === 0) return sent;
      }
      throw new Error("the outbox did not drain");
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect(a + b).toBe(36);
    const seen = receiver.received.map((r) => `${r.path} ${r.headers["webhook-id"]}`);
    expect(seen).toHaveLength(36);
    expect(new Set(seen).size).toBe(36);
    expect((await queuedWebhooks(t)).every((w) => w.status === "sent" && w.attempts === 1)).toBe(true);
  });

  it("retries a failing receiver on the Standard Webhooks schedule until it answers 2xx", async () => {
    const { t, admin, event, endpoint, receiver } = await setup((_q, res) => {
      res.statusCode = 500;
      res.end("database down");
    });
    await registerFor(t, event.slug, { email: "ada@example.org" });
    const start = t.clock.now().getTime();
    await runDueWork(t.deps);
    let [d] = await deliveries(t, admin, endpoint.id);
    expect(d).toMatchObject({ status: "pending", attempts: 1, lastError: "HTTP 500: database down" });
    expect(d.nextAttemptAt).toBe(iso(start + 5_000));
    t.clock.advance(4_000);
    expect((await runDueWork(t.deps)).webhooks.claimed).toBe(0); // not due yet
    let elapsed = 0;
    for (const wait of RETRY_SCHEDULE_MS.slice(0, 3)) {
      elapsed += wait;
      t.clock.set(new Date(start + elapsed));
      expect((await runDueWork(t.deps)).webhooks.failed).toBe(1);
    }
    [d] = await deliveries(t, admin, endpoint.id);
    expect(d).toMatchObject({ status: "pending", attempts: 4 });
    expect(new Date(d.nextAttemptAt).getTime() - t.clock.now().getTime()).toBe(2 * 3_600_000);
    receiver.answerWith((_q, res) => res.end("ok"));
    t.clock.advance(2 * 3_600_000);
    expect((await runDueWork(t.deps)).webhooks.sent).toBe(1);
    expect(receiver.received).toHaveLength(5);
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect((await endpointOf(t, admin, endpoint.id)).enabled).toBe(true);
  });

  it("disables an endpoint at once when it answers 410 Gone, and queues nothing more for it", async () => {
    const { t, admin, event, endpoint } = await setup((_q, res) => {
      res.statusCode = 410;
      res.end();
    });
    await registerFor(t, event.slug, { email: "ada@example.org" });
    expect((await runDueWork(t.deps)).webhooks.dead).toBe(1);
    const after = await endpointOf(t, admin, endpoint.id);
    expect(after).toMatchObject({ enabled: false, disabledAt: "2026-04-01T12:00:00Z" });
    expect(after.disabledReason).toContain("410");
    await registerFor(t, event.slug, { email: "bob@example.org" });
    expect(await queuedWebhooks(t)).toHaveLength(1);
    // Enabled again by staff: the notice is cleared and messages flow again.
    const again = await t.request("PATCH", `/api/v1/webhooks/endpoints/${endpoint.id}`, {
      key: admin,
      body: { enabled: true },
    });
    expect(again.body).toMatchObject({ enabled: true, disabledReason: null, disabledAt: null });
    await registerFor(t, event.slug, { email: "cleo@example.org" });
    expect(await queuedWebhooks(t)).toHaveLength(2);
  });

  it("disables an endpoint whose every attempt failed for a whole retry span, with a notice in the API", async () => {
    const { t, admin, event, endpoint, receiver } = await setup((_q, res) => {
      res.statusCode = 503;
      res.end();
    });
    const start = t.clock.now().getTime();
    await registerFor(t, event.slug, { email: "ada@example.org" });
    let elapsed = 0;
    await runDueWork(t.deps);
    for (const wait of RETRY_SCHEDULE_MS) {
      expect((await endpointOf(t, admin, endpoint.id)).enabled).toBe(true);
      elapsed += wait;
      t.clock.set(new Date(start + elapsed));
      await runDueWork(t.deps);
    }
    expect(receiver.received).toHaveLength(RETRY_SCHEDULE_MS.length + 1);
    expect(elapsed).toBeGreaterThan(24 * 3_600_000);
    const [d] = await deliveries(t, admin, endpoint.id);
    expect(d).toMatchObject({ status: "dead", attempts: 8, lastError: "HTTP 503" });
    const listed = (await t.request("GET", "/api/v1/webhooks/endpoints", { key: admin })).body.data;
    expect(listed[0]).toMatchObject({ id: endpoint.id, enabled: false, disabledAt: iso(start + elapsed) });
    expect(listed[0].disabledReason).toMatch(/Every delivery attempt since .* failed/);
  });

  it("keeps an endpoint that succeeded meanwhile, though one message died", async () => {
    const { t, admin, event, endpoint, receiver } = await setup((_q, res) => {
      res.statusCode = 500;
      res.end();
    });
    const start = t.clock.now().getTime();
    await registerFor(t, event.slug, { email: "ada@example.org" });
    await runDueWork(t.deps);
    receiver.answerWith((req, res, body) => {
      res.statusCode = body.includes("bob@") ? 200 : 500;
      res.end();
    });
    await registerFor(t, event.slug, { email: "bob@example.org" });
    let elapsed = 0;
    for (const wait of RETRY_SCHEDULE_MS) {
      elapsed += wait;
      t.clock.set(new Date(start + elapsed));
      await runDueWork(t.deps);
    }
    const statuses = (await deliveries(t, admin, endpoint.id)).map((d) => d.status).sort();
    expect(statuses).toEqual(["dead", "sent"]);
    expect((await endpointOf(t, admin, endpoint.id)).enabled).toBe(true);
  });

  it("replays a delivery with the same webhook-id and payload, and skips endpoints deleted meanwhile", async () => {
    const { t, admin, event, endpoint, receiver } = await setup();
    await registerFor(t, event.slug, { email: "ada@example.org" });
    await runDueWork(t.deps);
    const [first] = await deliveries(t, admin, endpoint.id);
    const replay = await t.request(
      "POST",
      `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries/${first.id}/replay`,
      { key: admin },
    );
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ status: "pending", attempts: 0, webhookId: first.webhookId });
    expect((await runDueWork(t.deps)).webhooks.sent).toBe(1);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers["webhook-id"]).toBe(first.webhookId);
    expect(verified(endpoint.secret, receiver.received[1]!)).toEqual(
      verified(endpoint.secret, receiver.received[0]!),
    );
    const unknown = await t.request(
      "POST",
      `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries/msg_nope/replay`,
      {
        key: admin,
      },
    );
    expect(unknown.status).toBe(404);

    await registerFor(t, event.slug, { email: "bob@example.org" });
    await expandWebhookMessages(t.deps, t.clock.now()); // Bob's message is queued for the endpoint
    await registerFor(t, event.slug, { email: "cy@example.org" }); // Cy's is not fanned out yet
    await t.request("DELETE", `/api/v1/webhooks/endpoints/${endpoint.id}`, { key: admin });
    // Bob's delivery is skipped; Cy's message finds no endpoint and queues nothing.
    expect(await runDueWork(t.deps)).toMatchObject({
      webhookMessages: 1,
      webhooks: { claimed: 1, skipped: 1, sent: 0 },
    });
    expect(receiver.received).toHaveLength(2);
  });
});
