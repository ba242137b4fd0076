import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, seedDueReminder, startLocalWorker } from "../support/local-worker.js";
import { SCENARIOS } from "./scenarios.js";
import { call, duplicates, fromNow, type Mail, type Target } from "./target.js";

/**
 * The conformance scenarios against the Worker as deployed, on this machine: `wrangler dev` on
 * a fresh local D1, the cron fired through wrangler's scheduled-event endpoint, mail through the
 * provider's HTTP format (Resend's) to a local sink that refuses what the provider would.
 */
let worker: LocalWorker;
let target: Target;

beforeAll(async () => {
  worker = await startLocalWorker();
  target = {
    baseUrl: worker.baseUrl,
    apiKey: worker.apiKey,
    runDueWork: () => worker.cron(),
    mail: () =>
      worker.deliveries.map(
        ({ message }): Mail => ({
          to: message.to,
          subject: message.subject,
          text: message.text,
          messageId: message.messageId,
          calendars: (message.attachments ?? [])
            .filter((a) => a.contentType.startsWith("text/calendar"))
            .map((a) => Buffer.from(a.content).toString("utf8")),
        }),
      ),
  };
  // ~45 s on a busy 2-core machine (two wrangler d1 commands, then wrangler dev); the bound is
  // generous because a loaded machine has been seen to take minutes for the migrations alone.
}, 240_000);

afterAll(async () => {
  await worker?.stop();
});

describe.concurrent("conformance: wrangler dev (Worker, local D1, HTTP email provider)", () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, () => scenario(target), 60_000);
  }
});

describe("the Worker as deployed, at an institute's peak", () => {
  it("sends a reminder to 10,000 registrants through the local queue, each exactly once", async () => {
    const created = await call(target, "POST", "/api/v1/events", {
      key: true,
      body: {
        title: "A newsletter announcement",
        startsAt: fromNow(2 * 3_600_000),
        timeZone: "America/New_York",
        joinUrl: "https://zoom.example.com/j/1",
        reminders: ["PT1H"],
      },
    });
    expect(created.status, created.text).toBe(201);
    const { id, slug } = created.json;
    expect((await call(target, "POST", `/api/v1/events/${slug}/publish`, { key: true })).status).toBe(200);
    const n = 10_000;
    await seedDueReminder(worker, id, n, "peak");
    const ours = () => worker.deliveries.filter((d) => d.message.to.startsWith("queue-peak-"));

    // One scheduled event: the cron fans out and queues, the consumer does the rest.
    await worker.cron();
    const until = Date.now() + 120_000;
    while (ours().length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 250));

    const recipients = new Map<string, number>();
    for (const d of ours()) recipients.set(d.message.to, (recipients.get(d.message.to) ?? 0) + 1);
    expect(recipients.size).toBe(n);
    expect([...recipients.values()].filter((count) => count > 1)).toEqual([]);
    expect(new Set(ours().map((d) => d.message.messageId)).size).toBe(n);
    // Sent in the provider's batches, not one request a message.
    expect(new Set(ours().map((d) => d.request)).size).toBeLessThanOrEqual(n / 100 + 1);
    const plan = await call(target, "GET", `/api/v1/events/${slug}/reminders`, { key: true });
    const [row] = plan.json.reminders;
    expect(row.status).toBe("done");
    expect(row.delivery.sent).toBe(n);
    for (const status of ["pending", "sending", "dead"]) {
      const left = await call(target, "GET", `/api/v1/outbox?status=${status}&limit=1`, { key: true });
      expect(left.json.data, status).toEqual([]);
    }
  }, 180_000);
});

describe("conformance: wrangler dev, after every scenario", () => {
  it("sent no message twice, and no Idempotency-Key in two requests", () => {
    expect(worker.deliveries.length).toBeGreaterThan(0);
    expect(duplicates(target.mail())).toEqual([]);
    // One key per request (a batch's messages share their request's): never one key twice.
    const requestOf = new Map<string, number>();
    for (const { idempotencyKey, request } of worker.deliveries) {
      expect(requestOf.get(idempotencyKey) ?? request, idempotencyKey).toBe(request);
      requestOf.set(idempotencyKey, request);
    }
  });
});
