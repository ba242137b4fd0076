import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startLocalWorker } from "../support/local-worker.js";
import { SCENARIOS } from "./scenarios.js";
import { duplicates, type Mail, type Target } from "./target.js";

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
