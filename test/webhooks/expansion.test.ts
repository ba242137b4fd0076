import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll, sqlBatch } from "../../src/db/batch.js";
import { EXPAND_MESSAGES, EXPAND_PASSES, expandWebhookMessages } from "../../src/features/webhooks/index.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor, registerWithLink } from "../support/registrations.js";
import { addEndpoint, queuedWebhooks } from "../support/webhooks.js";

async function setup() {
  const t = await createTestApp({ now: "2026-04-01T12:00:00Z" });
  const admin = await t.key(["admin"]);
  return { t, admin, event: await makeEvent(t, admin) };
}

const waiting = async (t: TestApp) =>
  Number((await sqlAll<{ n: number }>(t.db, sql`SELECT count(*) AS n FROM webhook_messages`))[0]!.n);

const webhookRows = async (t: TestApp) =>
  Number(
    (await sqlAll<{ n: number }>(t.db, sql`SELECT count(*) AS n FROM outbox WHERE channel = 'webhook'`))[0]!
      .n,
  );

describe(`webhook messages fanned out to their endpoints (${engine})`, () => {
  it("writes one message per change however many endpoints want it, and the due work fans it out to each", async () => {
    const { t, admin, event } = await setup();
    const endpoints = await Promise.all(
      ["a", "b", "c"].map((n) =>
        addEndpoint(t, admin, `https://crm.example.org/${n}`, ["registration.created"]),
      ),
    );
    await registerFor(t, event.slug, { email: "ada@example.org" });
    expect(await waiting(t)).toBe(1);
    expect(await webhookRows(t)).toBe(0);

    expect(await expandWebhookMessages(t, t.clock.now())).toBe(1);
    expect(await waiting(t)).toBe(0);
    const rows = await queuedWebhooks(t);
    expect(rows.map((r) => r.params.endpointId).sort()).toEqual(endpoints.map((e) => e.id).sort());
    expect(new Set(rows.map((r) => r.params.webhookId)).size).toBe(1);
    expect(
      rows.every((r) => r.status === "pending" && r.params.data.registration.email === "ada@example.org"),
    ).toBe(true);
  });

  it("sends a change only to endpoints that existed when it happened and are still enabled", async () => {
    const { t, admin, event } = await setup();
    const early = await addEndpoint(t, admin, "https://crm.example.org/early", ["registration.created"]);
    const paused = await addEndpoint(t, admin, "https://crm.example.org/paused", ["registration.created"]);
    await registerFor(t, event.slug, { email: "ada@example.org" });
    t.clock.advance(60_000);
    await addEndpoint(t, admin, "https://crm.example.org/late", ["registration.created"]);
    await t.request("PATCH", `/api/v1/webhooks/endpoints/${paused.id}`, {
      key: admin,
      body: { enabled: false },
    });

    expect((await queuedWebhooks(t)).map((r) => r.params.endpointId)).toEqual([early.id]);
    // The payload's timestamp is the change's, not the fan-out's.
    expect((await queuedWebhooks(t))[0]!.params.timestamp).toBe("2026-04-01T12:00:00.000Z");
  });

  it("leaves nothing about a person who erases their data before their messages were fanned out", async () => {
    const { t, admin, event } = await setup();
    await addEndpoint(t, admin, "https://crm.example.org/r", [
      "registration.created",
      "registration.cancelled",
    ]);
    const { token } = await registerWithLink(t, event.slug, "ada@example.org", { name: "Ada" });
    await registerFor(t, event.slug, { email: "bob@example.org", name: "Bob" });
    expect(await waiting(t)).toBe(2);
    const erased = await t.request("POST", `/r/${token}/erase`, {
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://events.example.org" },
    });
    expect(erased.status).toBe(200);

    const rows = await queuedWebhooks(t);
    expect(JSON.stringify(rows)).not.toMatch(/ada@example\.org|"Ada"/);
    expect(rows.map((r) => r.params.data.registration.email)).toEqual(["bob@example.org"]);
  });

  it("queues a message once per endpoint when its change is replayed, even after the first was fanned out", async () => {
    const { t, admin } = await setup();
    await addEndpoint(t, admin, "https://crm.example.org/a", ["event.updated"]);
    await addEndpoint(t, admin, "https://crm.example.org/b", ["event.updated"]);
    const message = sql`INSERT INTO webhook_messages (webhook_id, type, data, created_at)
      VALUES ('msg_replayed', 'event.updated', '{"event":{}}', ${t.clock.now().getTime()})`;
    await sqlBatch(t.db, [message]);
    await expandWebhookMessages(t, t.clock.now());
    await sqlBatch(t.db, [message, message]);
    expect(await expandWebhookMessages(t, t.clock.now())).toBe(2);
    expect((await queuedWebhooks(t)).map((r) => r.dedupeKey)).toHaveLength(2);
  });

  it("fans out a backlog pass by pass, at most EXPAND_PASSES passes a run, the rest in the next run", async () => {
    const { t, admin } = await setup();
    await addEndpoint(t, admin, "https://crm.example.org/a", ["event.updated"]);
    const backlog = EXPAND_MESSAGES * EXPAND_PASSES + 7;
    await sqlBatch(t.db, [
      sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${backlog})
          INSERT INTO webhook_messages (webhook_id, type, data, created_at)
          SELECT 'msg_backlog_' || i, 'event.updated', '{}', ${t.clock.now().getTime()} FROM n`,
    ]);
    expect(await expandWebhookMessages(t, t.clock.now())).toBe(EXPAND_MESSAGES * EXPAND_PASSES);
    expect(await waiting(t)).toBe(7);
    expect(await expandWebhookMessages(t, t.clock.now())).toBe(7);
    expect(await webhookRows(t)).toBe(backlog);
    expect(await waiting(t)).toBe(0);
  });
});
