import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { messageKinds } from "../../src/composition.js";
import { claimDue, dispatchOutbox, LEASE_MS } from "../../src/features/outbox/dispatcher.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { smtpMailer } from "../../src/mail/smtp.js";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { outboxRows, registerFor } from "../support/registrations.js";
import { type SmtpServer, startSmtpServer } from "../support/smtp.js";

let smtp: SmtpServer;
beforeEach(async () => {
  smtp = await startSmtpServer();
});
afterEach(async () => {
  await smtp.close();
});

async function setup(registrations: number) {
  const t = await createTestApp();
  t.deps.mailer = smtpMailer(smtp.url);
  const key = await t.key(["events:write"]);
  const e = await makeEvent(t, key, { capacity: 1000 });
  for (let i = 0; i < registrations; i++) await registerFor(t, e.slug, { email: `p${i}@example.org` });
  return t;
}

const idCounts = () => {
  const counts = new Map<string, number>();
  for (const r of smtp.received) counts.set(r.parsed.messageId!, (counts.get(r.parsed.messageId!) ?? 0) + 1);
  return counts;
};

describe("dispatching the outbox to a real SMTP server", () => {
  it("delivers each of 30 messages exactly once with two dispatchers running at once", async () => {
    const t = await setup(30);
    const drain = async () => {
      let claimed = 0;
      for (;;) {
        const r = await dispatchOutbox(t.deps, { kinds: messageKinds, limit: 4 });
        claimed += r.claimed;
        if (r.claimed === 0) return claimed;
      }
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect(a + b).toBe(30);
    expect(smtp.received).toHaveLength(30);
    expect(idCounts().size).toBe(30);
    expect(new Set(smtp.received.map((r) => r.envelopeTo[0])).size).toBe(30);
  });

  it("sends again with the same Message-ID after a crash between send and mark, once the lease is over", async () => {
    const t = await setup(3);
    // A dispatcher claims, renders and sends, then the process dies before marking anything.
    for (const row of await claimDue(t.deps, { now: t.clock.now(), limit: 10 })) {
      const rendered = await messageKinds.render(t.deps, row);
      if ("message" in rendered) await t.deps.mailer.send(rendered.message);
    }
    expect(smtp.received).toHaveLength(3);
    expect((await outboxRows(t)).every((r) => r.status === "sending")).toBe(true);

    t.clock.advance(LEASE_MS - 1000);
    expect((await runDueWork(t.deps)).outbox.claimed).toBe(0);
    t.clock.advance(2000);
    expect((await runDueWork(t.deps)).outbox.sent).toBe(3);

    const rows = await outboxRows(t);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect(smtp.received).toHaveLength(6);
    expect(idCounts().size).toBe(rows.length);
    expect([...idCounts().values()]).toEqual([2, 2, 2]);
  });

  it("backs off on refusals, dies with the server's answer, and is delivered after a staff retry", async () => {
    const t = await setup(1);
    t.deps.config.OUTBOX_MAX_ATTEMPTS = 2;
    smtp.state.rejectWith = "Mailbox unavailable";
    await runDueWork(t.deps);
    let [row] = await outboxRows(t);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toContain("Mailbox unavailable");
    t.clock.advance(30_000);
    await runDueWork(t.deps);
    [row] = await outboxRows(t);
    expect(row).toMatchObject({ status: "dead", attempts: 2 });
    expect(row!.lastError).toMatch(/550.*Mailbox unavailable/);
    expect(smtp.received).toHaveLength(0);

    smtp.state.rejectWith = null;
    const key = await t.key(["registrations:write"]);
    expect((await t.request("POST", `/api/v1/outbox/${row!.id}/retry`, { key })).status).toBe(200);
    await runDueWork(t.deps);
    expect(smtp.received).toHaveLength(1);
    expect((await outboxRows(t))[0]).toMatchObject({ status: "sent", attempts: 1 });
  });
});
