import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { sqlAll, sqlBatch } from "../../src/db/batch.js";
import { closedWebhooks } from "../../src/features/outbox/index.js";
import { PRUNE_PASSES, PRUNE_ROWS, pruneWebhookDeliveries } from "../../src/features/webhooks/index.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";
import { addEndpoint, queuedWebhooks } from "../support/webhooks.js";

const DAY = 86_400_000;

async function setup(env: Record<string, string> = {}) {
  const t = await createTestApp({ now: "2026-04-01T12:00:00Z", env });
  const admin = await t.key(["admin"]);
  // Open for registration for the whole span the tests walk (up to 90 days).
  const event = await makeEvent(t, admin, { startsAt: "2026-09-01T12:00" });
  const endpoint = await addEndpoint(t, admin, "https://crm.example.org/hook", ["registration.created"]);
  return { t, admin, event, endpoint };
}

/** Registers `email` and closes its webhook delivery as `status` (how a courier would leave it). */
async function deliveryFor(t: TestApp, slug: string, email: string, status: "sent" | "dead" | "pending") {
  await registerFor(t, slug, { email });
  const row = (await queuedWebhooks(t)).find((r) => r.params.data.registration.email === email)!;
  if (status !== "pending")
    await sqlAll(
      t.db,
      sql`UPDATE outbox SET status = ${status}, sent_at = ${t.clock.now().getTime()} WHERE id = ${row.id}`,
    );
  return row.id;
}

const listed = async (t: TestApp, admin: string, endpointId: string) =>
  (
    await t.request("GET", `/api/v1/webhooks/endpoints/${endpointId}/deliveries`, { key: admin })
  ).body.data.map((d: { id: string }) => d.id);

const count = async (t: TestApp, where: ReturnType<typeof sql>) =>
  Number((await sqlAll<{ n: number }>(t.db, sql`SELECT count(*) AS n FROM outbox WHERE ${where}`))[0]!.n);

describe(`webhook delivery retention (${engine})`, () => {
  it("deletes sent and dead deliveries past the retention, and keeps newer and still-waiting ones", async () => {
    const { t, admin, event, endpoint } = await setup({ WEBHOOK_RETENTION_DAYS: "30" });
    const sent = await deliveryFor(t, event.slug, "ada@example.org", "sent");
    const dead = await deliveryFor(t, event.slug, "bob@example.org", "dead");
    const waiting = await deliveryFor(t, event.slug, "cy@example.org", "pending");
    t.clock.advance(29 * DAY);
    const recent = await deliveryFor(t, event.slug, "dan@example.org", "sent");
    // Mail of the same age, sent or dead, is never pruned: its dedupe key stops a second send.
    await sqlAll(
      t.db,
      sql`UPDATE outbox SET status = 'dead' WHERE channel = 'email' AND rowid = (SELECT min(rowid) FROM outbox WHERE channel = 'email')`,
    );
    const mail = await count(t, sql`channel = 'email'`);

    t.clock.advance(1 * DAY);
    expect(await pruneWebhookDeliveries(t.deps, t.clock.now())).toBe(0); // 30 days to the millisecond
    t.clock.advance(1);
    expect(await pruneWebhookDeliveries(t.deps, t.clock.now())).toBe(2);

    expect((await listed(t, admin, endpoint.id)).sort()).toEqual([waiting, recent].sort());
    expect(await listed(t, admin, endpoint.id)).not.toContain(sent);
    expect(await listed(t, admin, endpoint.id)).not.toContain(dead);
    expect(await count(t, sql`channel = 'email'`)).toBe(mail);
    const replay = await t.request(
      "POST",
      `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries/${sent}/replay`,
      {
        key: admin,
      },
    );
    expect(replay.status).toBe(404);
  });

  it("refuses a retention that is not a whole number of days from 1 to 3650, naming it", () => {
    for (const value of ["0", "-1", "1.5", "3651", "forever"])
      expect(() => parseConfig({ WEBHOOK_RETENTION_DAYS: value }), value).toThrow(/WEBHOOK_RETENTION_DAYS/);
    expect(parseConfig({}).WEBHOOK_RETENTION_DAYS).toBe(30);
  });

  it("keeps deliveries for as many days as WEBHOOK_RETENTION_DAYS says", async () => {
    const { t, event } = await setup({ WEBHOOK_RETENTION_DAYS: "90" });
    await deliveryFor(t, event.slug, "ada@example.org", "sent");
    t.clock.advance(90 * DAY);
    expect(await pruneWebhookDeliveries(t.deps, t.clock.now())).toBe(0);
    t.clock.advance(1);
    expect(await pruneWebhookDeliveries(t.deps, t.clock.now())).toBe(1);
  });

  it("is part of the due work, and a backlog larger than one run goes down over the next runs", async () => {
    const { t, event } = await setup();
    await deliveryFor(t, event.slug, "ada@example.org", "sent");
    const perRun = PRUNE_ROWS * PRUNE_PASSES;
    const at = t.clock.now().getTime();
    // A backlog of closed deliveries from before an upgrade: perRun + 100 old rows.
    await sqlBatch(t.db, [
      sql`WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${perRun + 99})
          INSERT INTO outbox (id, dedupe_key, channel, template, params, status, attempts, next_attempt_at, created_at, sent_at)
          SELECT printf('msg_old_%06d', i), printf('wh:old:%06d', i), 'webhook', 'webhook', '{}', 'sent', 1, ${at}, ${at} - i, ${at}
          FROM k`,
    ]);
    t.clock.advance(31 * DAY);
    // No webhook is waiting, so the due work sends nothing; it prunes.
    expect((await runDueWork(t.deps)).webhookDeliveriesDeleted).toBe(perRun);
    expect((await runDueWork(t.deps)).webhookDeliveriesDeleted).toBe(100);
    expect((await runDueWork(t.deps)).webhookDeliveriesDeleted).toBe(0);
    expect(await count(t, sql`channel = 'webhook'`)).toBe(0);
  });

  it("finds what to delete through its partial index, not by reading the outbox", async () => {
    const { t } = await setup();
    const plan = await sqlAll<{ detail: string }>(
      t.db,
      sql`EXPLAIN QUERY PLAN ${closedWebhooks(t.clock.now().getTime(), PRUNE_ROWS)}`,
    );
    const steps = plan.map((p) => p.detail).join("\n");
    expect(steps).toContain("outbox_webhook_closed");
    expect(steps).not.toMatch(/SCAN outbox(?! USING)/);
  });
});
