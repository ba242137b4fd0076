import { afterEach, describe, expect, it } from "vitest";
import type { MailMessage } from "../../src/deps.js";
import { TIMEOUT_MS } from "../../src/features/webhooks/index.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";
import { type Receiver, startReceiver } from "../support/webhook-receiver.js";
import { addEndpoint } from "../support/webhooks.js";

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

const MB = 1024 * 1024;

/** Four receivers as bad as they come, and where the one that redirects points. */
async function hostileReceivers() {
  const target = await startReceiver();
  const hugeBody = { finished: false, closedEarly: false };
  const hostile = await startReceiver((req, res) => {
    if (req.url === "/hang") return; // never answers
    if (req.url === "/error") {
      res.statusCode = 500;
      return res.end("internal error");
    }
    if (req.url === "/redirect") {
      res.writeHead(307, { location: target.url("/elsewhere") });
      return res.end();
    }
    // /huge: 200 with 10 MB, a megabyte at a time.
    res.writeHead(200, { "content-type": "text/plain" });
    res.on("finish", () => {
      hugeBody.finished = true;
    });
    res.on("close", () => {
      if (!hugeBody.finished) hugeBody.closedEarly = true;
    });
    let sent = 0;
    const more = () => {
      if (res.destroyed || sent >= 10 * MB) return res.destroyed ? undefined : void res.end();
      sent += MB;
      res.write(Buffer.alloc(MB, 120));
      setTimeout(more, 50);
    };
    more();
  });
  receivers.push(target, hostile);
  return { target, hostile, hugeBody };
}

async function setup() {
  const mailSentAt: number[] = [];
  const t = await createTestApp({
    now: "2026-04-01T12:00:00Z",
    env: { WEBHOOK_ALLOW_PRIVATE: "true" },
    deps: {
      mailer: {
        send: async (_m: MailMessage) => {
          mailSentAt.push(performance.now());
        },
      },
    },
  });
  const admin = await t.key(["admin"]);
  const event = await makeEvent(t, admin, { capacity: 1000 });
  return { t, admin, event, mailSentAt };
}

const deliveriesOf = async (t: TestApp, key: string, id: string) =>
  (await t.request("GET", `/api/v1/webhooks/endpoints/${id}/deliveries`, { key })).body.data as any[];

describe("hostile webhook receivers", () => {
  it("neither slow registration nor delay the mail of the same run; each is bounded and recorded", async () => {
    const { t, admin, event, mailSentAt } = await setup();
    const { target, hostile, hugeBody } = await hostileReceivers();
    const endpoints: Record<string, string> = {};
    for (const name of ["hang", "error", "redirect", "huge"]) {
      endpoints[name] = (await addEndpoint(t, admin, hostile.url(`/${name}`), ["registration.created"])).id;
    }
    // Two registrants: two confirmations to mail and eight webhook messages (two to each receiver).
    for (const email of ["ada@example.org", "bob@example.org"]) {
      expect((await registerFor(t, event.slug, { email })).status).toBe(202);
    }

    const started = performance.now();
    let runEnded = 0;
    const run = runDueWork(t.deps).then((r) => {
      runEnded = performance.now();
      return r;
    });
    // While the run waits on the hanging receiver, people keep registering.
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = performance.now();
      expect((await registerFor(t, event.slug, { email: `during${i}@example.org` })).status).toBe(202);
      latencies.push(performance.now() - before);
    }
    const registrationsEnded = performance.now();
    const report = await run;

    console.log(
      `run ${Math.round(runEnded - started)} ms; registrations meanwhile: max ${Math.round(Math.max(...latencies))} ms; ` +
        `last mail ${Math.round(Math.max(...mailSentAt) - started)} ms after the run started`,
    );
    // Budgets a loaded 2-core machine keeps; the hanging receiver alone holds the run TIMEOUT_MS.
    expect(runEnded - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 500);
    expect(runEnded - started).toBeLessThan(TIMEOUT_MS + 8_000);
    expect(registrationsEnded).toBeLessThan(runEnded);
    expect(Math.max(...latencies)).toBeLessThan(3_000);
    // The run claimed at least the two confirmations queued before it (and perhaps some queued
    // meanwhile); every mail it claimed went out early.
    expect(report.outbox.sent).toBeGreaterThanOrEqual(2);
    expect(mailSentAt).toHaveLength(report.outbox.sent);
    expect(Math.max(...mailSentAt) - started).toBeLessThan(TIMEOUT_MS / 2);

    // Per registrant claimed: one delivered (huge), three failed (hang, error, redirect).
    expect(report.webhooks.sent).toBeGreaterThanOrEqual(2);
    expect(report.webhooks.claimed).toBe(4 * report.webhooks.sent);
    expect(report.webhooks.failed).toBe(3 * report.webhooks.sent);
    /** A delivery to `name` this run attempted. */
    const outcome = async (name: string) =>
      (await deliveriesOf(t, admin, endpoints[name]!)).find((d) => d.attempts === 1);
    expect(await outcome("hang")).toMatchObject({
      status: "pending",
      lastError: `no answer within ${TIMEOUT_MS} ms`,
    });
    expect(await outcome("error")).toMatchObject({
      status: "pending",
      lastError: "HTTP 500: internal error",
    });
    expect((await outcome("redirect")).lastError).toBe("HTTP 307 (redirects are not followed)");
    expect(target.received).toHaveLength(0);
    expect(await outcome("huge")).toMatchObject({ status: "sent", lastError: null });
    // The 10 MB answer was cut off after its first kilobytes, not read to the end.
    expect(hugeBody.closedEarly).toBe(true);
    expect(hugeBody.finished).toBe(false);
  });
});
