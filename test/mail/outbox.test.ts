import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messageKinds } from "../../src/composition.js";
import { accessTokens, attendees, auditLog, outbox, rateLimits } from "../../src/db/schema.js";
import { claimDue, dispatchOutbox, LEASE_MS } from "../../src/features/outbox/dispatcher.js";
import { findByToken } from "../../src/features/registrations/service.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken, mailbox } from "../support/mailbox.js";
import { joinLinkOwner, outboxRows, registerFor } from "../support/registrations.js";

async function setup(eventOverrides: Record<string, unknown> = {}) {
  const box = mailbox();
  const t = await createTestApp({ deps: { mailer: box.mailer } });
  const key = await t.key(["events:write", "registrations:write"]);
  const event = await makeEvent(t, key, { capacity: 100, ...eventOverrides });
  return { t, box, key, event };
}

describe(`dispatching the outbox (${engine})`, () => {
  it("sends each message exactly once when two dispatchers claim at the same time", async () => {
    const { t, box, event } = await setup();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => registerFor(t, event.slug, { email: `c${i}@example.org` })),
    );
    const drain = async () => {
      let sent = 0;
      for (;;) {
        const r = await dispatchOutbox(t.deps, { kinds: messageKinds, limit: 7 });
        sent += r.sent;
        if (r.claimed === 0) return sent;
      }
    };
    const [a, b] = await Promise.all([drain(), drain()]);
    expect(a + b).toBe(30);
    expect(box.messages).toHaveLength(30);
    expect([...box.countsById().values()].every((n) => n === 1)).toBe(true);
    expect(new Set(box.messages.map((m) => m.to)).size).toBe(30);
    expect((await outboxRows(t)).every((r) => r.status === "sent" && r.sentAt)).toBe(true);
  });

  it("takes a message up again when its dispatcher died mid-send, but only after the lease", async () => {
    const { t, box, event } = await setup();
    await registerFor(t, event.slug);
    const [claimed] = await claimDue(t.deps, { now: t.clock.now(), limit: 10 });
    expect(claimed).toBeDefined();
    // ... and the claimer dies here. Before the lease ends nobody else touches the row:
    expect((await runDueWork(t.deps)).outbox.claimed).toBe(0);
    t.clock.advance(LEASE_MS + 1000);
    const report = await runDueWork(t.deps);
    expect(report.outbox.sent).toBe(1);
    expect(box.messages).toHaveLength(1);
    const [row] = await outboxRows(t);
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("hands messages back rather than start a send late in its lease", async () => {
    const { t, box, event } = await setup();
    for (let i = 0; i < 6; i++) await registerFor(t, event.slug, { email: `slow${i}@example.org` });
    const slow = box.mailer.send;
    box.mailer.send = async (m) => {
      t.clock.advance(LEASE_MS / 2 + 1000); // a very slow provider
      await slow(m);
    };
    const report = await dispatchOutbox(t.deps, { kinds: messageKinds, limit: 10 });
    expect(report).toMatchObject({ claimed: 6, sent: 4, released: 2 });
    const rows = await outboxRows(t);
    expect(rows.filter((r) => r.status === "pending").map((r) => r.attempts)).toEqual([0, 0]);
    box.mailer.send = slow;
    expect((await runDueWork(t.deps)).outbox.sent).toBe(2);
    expect(box.countsById().size).toBe(6);
    expect(box.messages).toHaveLength(6);
  });

  it("backs off after failures, gives up after the last attempt, and staff can bring the message back", async () => {
    const { t, box, event } = await setup();
    t.deps.config.OUTBOX_MAX_ATTEMPTS = 3;
    box.failWith = "provider down: 503";
    await registerFor(t, event.slug);
    const start = t.clock.now().getTime();

    await runDueWork(t.deps);
    let [row] = await outboxRows(t);
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: "provider down: 503" });
    expect(row!.nextAttemptAt.getTime()).toBe(start + 30_000);
    expect((await runDueWork(t.deps)).outbox.claimed).toBe(0); // not due yet

    t.clock.advance(30_000);
    await runDueWork(t.deps);
    [row] = await outboxRows(t);
    expect(row).toMatchObject({ status: "pending", attempts: 2 });
    expect(row!.nextAttemptAt.getTime()).toBe(start + 30_000 + 60_000);

    t.clock.advance(60_000);
    await runDueWork(t.deps);
    [row] = await outboxRows(t);
    expect(row).toMatchObject({ status: "dead", attempts: 3, lastError: "provider down: 503" });
    t.clock.advance(24 * 3600_000);
    expect((await runDueWork(t.deps)).outbox.claimed).toBe(0); // dead stays dead

    const reader = await t.key(["registrations:read"]);
    const dead = await t.request("GET", "/api/v1/outbox?status=dead", { key: reader });
    expect(dead.status).toBe(200);
    expect(dead.body.data).toEqual([
      expect.objectContaining({ id: row!.id, status: "dead", attempts: 3, lastError: "provider down: 503" }),
    ]);
    expect((await t.request("POST", `/api/v1/outbox/${row!.id}/retry`, { key: reader })).status).toBe(403);

    box.failWith = null;
    const writer = await t.key(["registrations:write"], "ops");
    const retried = await t.request("POST", `/api/v1/outbox/${row!.id}/retry`, { key: writer });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: "pending", attempts: 0 });
    const again = await t.request("POST", `/api/v1/outbox/${row!.id}/retry`, { key: writer });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe("/problems/not-dead");

    await runDueWork(t.deps);
    expect(box.messages).toHaveLength(1);
    expect((await outboxRows(t))[0]).toMatchObject({ status: "sent", attempts: 1 });
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.action, "outbox.retry"));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entityType: "outbox", entityId: row!.id, keyName: "ops" });
  });

  it("keeps no secret in the outbox: each message mints its manage links when it is sent, the join link is the registration's one", async () => {
    const { t, box, event } = await setup({ format: "hybrid", venue: "1 Main St" });
    const res = await registerFor(t, event.slug);
    await runDueWork(t.deps);
    const [message] = box.messages;
    const manage = linkToken(message!.text, "r")!;
    const join = linkToken(message!.text, "j")!;
    expect((await findByToken(t.deps, manage, "manage"))?.registration.id).toBeDefined();
    expect(await joinLinkOwner(t, join)).toBeDefined();
    // One join link per registration: the next message carries the same one (a page view or a
    // message no longer stores a new join token).
    await t.request("POST", `/api/v1/events/${event.slug}/reschedule`, {
      key: await t.key(),
      body: { startsAt: "2026-04-17T12:00" },
    });
    await runDueWork(t.deps);
    expect(box.messages).toHaveLength(2);
    expect(linkToken(box.messages[1]!.text, "j")).toBe(join);
    expect(linkToken(box.messages[1]!.text, "r")).not.toBe(manage);
    expect(await t.db.select().from(accessTokens).where(eq(accessTokens.kind, "join"))).toEqual([]);
    // The answer to the registration carried no link at all: the email is the only way in.
    expect(res.text).not.toMatch(/[0-9a-z]{40}/);
    const stored = JSON.stringify(await t.db.select().from(outbox));
    const tokens = JSON.stringify(await t.db.select().from(accessTokens));
    for (const secret of [manage, join.split("/")[1]!]) {
      expect(stored).not.toContain(secret);
      expect(tokens).not.toContain(secret);
    }
    expect(JSON.stringify(message)).not.toContain("zoom.example.com");
  });

  it("sends nothing to an erased attendee and closes the message with a note", async () => {
    const { t, box, event } = await setup();
    await registerFor(t, event.slug, { email: "gone@example.org" });
    await t.db.update(attendees).set({ erasedAt: t.clock.now(), email: "erased@invalid", name: "erased" });
    const report = await runDueWork(t.deps);
    expect(report.outbox).toMatchObject({ claimed: 1, skipped: 1, sent: 0 });
    expect(box.messages).toEqual([]);
    expect((await outboxRows(t))[0]).toMatchObject({ status: "sent", lastError: "skipped: attendee erased" });
  });
});

describe(`the due work (${engine})`, () => {
  it("forgets rate-limit counters older than an hour and keeps the recent ones", async () => {
    const t = await createTestApp();
    const minute = Math.floor(t.clock.now().getTime() / 60_000);
    await t.db.insert(rateLimits).values([
      { key: "registration:a", window: minute - 90, count: 3 },
      { key: "registration:a", window: minute - 61, count: 3 },
      { key: "registration:a", window: minute - 59, count: 3 },
      { key: "registration:b", window: minute, count: 1 },
    ]);
    expect((await runDueWork(t.deps)).rateLimitsDeleted).toBe(2);
    const left = await t.db.select().from(rateLimits);
    expect(left.map((r) => r.window - minute).sort((a, b) => a - b)).toEqual([-59, 0]);
  });
});

describe(`the staff outbox API (${engine})`, () => {
  it("lists messages by status, page by page, without parameters or tokens", async () => {
    const { t, event } = await setup();
    for (let i = 0; i < 5; i++) {
      await registerFor(t, event.slug, { email: `l${i}@example.org` });
      t.clock.advance(1000);
    }
    await dispatchOutbox(t.deps, { kinds: messageKinds, limit: 2 });
    const key = await t.key(["registrations:read"]);
    const sent = await t.request("GET", "/api/v1/outbox?status=sent", { key });
    expect(sent.body.data).toHaveLength(2);
    const first = await t.request("GET", "/api/v1/outbox?status=pending&limit=2", { key });
    expect(first.body.data).toHaveLength(2);
    const second = await t.request(
      "GET",
      `/api/v1/outbox?status=pending&limit=2&cursor=${first.body.nextCursor}`,
      {
        key,
      },
    );
    expect(second.body.data).toHaveLength(1);
    expect(second.body.nextCursor).toBeNull();
    const ids = [...first.body.data, ...second.body.data].map((m: { id: string }) => m.id);
    expect(new Set(ids).size).toBe(3);
    expect(Object.keys(first.body.data[0]).sort()).toEqual(
      [
        "attempts",
        "channel",
        "createdAt",
        "eventId",
        "id",
        "lastError",
        "nextAttemptAt",
        "registrationId",
        "sentAt",
        "status",
        "template",
      ].sort(),
    );
    expect((await t.request("GET", "/api/v1/outbox?status=lost", { key })).status).toBe(422);
    expect((await t.request("GET", "/api/v1/outbox?cursor=nonsense", { key })).status).toBe(422);
  });

  it("asks for a key with the registrations scope", async () => {
    const { t } = await setup();
    expect((await t.request("GET", "/api/v1/outbox")).status).toBe(401);
    const events = await t.key(["events:write"]);
    expect((await t.request("GET", "/api/v1/outbox", { key: events })).status).toBe(403);
  });

  it("answers 404 to a retry of an unknown message and 409 to one that is not dead", async () => {
    const { t, event } = await setup();
    await registerFor(t, event.slug);
    const key = await t.key(["registrations:write"]);
    expect((await t.request("POST", "/api/v1/outbox/msg_nope/retry", { key })).status).toBe(404);
    const [row] = await outboxRows(t);
    const res = await t.request("POST", `/api/v1/outbox/${row!.id}/retry`, { key });
    expect(res.status).toBe(409);
    expect(res.body.detail).toContain("pending");
  });
});
