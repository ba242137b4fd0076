import { describe, expect, it } from "vitest";
import { EventOut } from "../../src/features/events/schemas.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

describe(`events: staff create and publish, the public reads (${engine})`, () => {
  it("creates a draft with a slug from the title, UTC instants and the local wall time", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const res = await t.request("POST", "/api/v1/events", {
      key,
      body: {
        title: "Ukraine's critical choice: Pursue peace or fight on",
        startsAt: "2025-04-16T12:00",
        timeZone: "America/New_York",
        durationMinutes: 60,
        joinUrl: "https://zoom.example.com/j/1",
      },
    });
    expect(res.status).toBe(201);
    expect(EventOut.parse(res.body)).toBeTruthy();
    expect(res.body).toMatchObject({
      slug: "ukraines-critical-choice-pursue-peace-or-fight-on",
      status: "draft",
      format: "virtual",
      startsAt: "2025-04-16T16:00:00Z",
      endsAt: "2025-04-16T17:00:00Z",
      timeZone: "America/New_York",
      local: { startsAt: "2025-04-16T12:00:00", endsAt: "2025-04-16T13:00:00", utcOffset: "-04:00" },
      durationMinutes: 60,
      sequence: 0,
      joinUrl: "https://zoom.example.com/j/1",
      url: "https://events.example.org/events/ukraines-critical-choice-pursue-peace-or-fight-on",
    });
  });

  it("hides drafts from the public and shows them once published, without the join link", async () => {
    const t = await createTestApp({ now: "2026-01-15T12:00:00Z" });
    const key = await t.key(["events:write"]);
    const draft = await makeEvent(t, key, { title: "Draft talk" }, { publish: false });

    expect((await t.request("GET", `/api/v1/events/${draft.slug}`)).status).toBe(404);
    expect((await t.request("GET", "/api/v1/events")).body.data).toEqual([]);

    const published = await t.request("POST", `/api/v1/events/${draft.slug}/publish`, { key });
    expect(published.status).toBe(200);
    expect(published.body.publishedAt).toBe("2026-01-15T12:00:00Z");

    const list = await t.request("GET", "/api/v1/events");
    expect(list.body.data.map((e: { slug: string }) => e.slug)).toEqual(["draft-talk"]);
    expect(list.body.data[0]).not.toHaveProperty("joinUrl");
    const one = await t.request("GET", `/api/v1/events/${draft.id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty("joinUrl");
    expect(one.text).not.toContain("zoom.example.com");
  });

  it("shows drafts and private fields to a key with events:read, and refuses a bad key rather than downgrading", async () => {
    const t = await createTestApp();
    const writer = await t.key(["events:write"]);
    const reader = await t.key(["events:read"]);
    const draft = await makeEvent(t, writer, { title: "Staff only" }, { publish: false });
    const res = await t.request("GET", `/api/v1/events/${draft.slug}`, { key: reader });
    expect(res.body).toMatchObject({ status: "draft", joinUrl: "https://zoom.example.com/j/123" });
    const drafts = await t.request("GET", "/api/v1/events?status=draft", { key: reader });
    expect(drafts.body.data).toHaveLength(1);
    expect((await t.request("GET", "/api/v1/events?status=draft")).status).toBe(401);
    expect(
      (await t.request("GET", "/api/v1/events", { key: "cvn_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbb" })).status,
    ).toBe(401);
  });

  it("gives two events with the same title different, stable slugs", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const [a, b] = await Promise.all([
      makeEvent(t, key, { title: "NATO at 77" }, { publish: false }),
      makeEvent(t, key, { title: "NATO at 77" }, { publish: false }),
    ]);
    expect([a.slug, b.slug].sort()).toEqual(["nato-at-77", "nato-at-77-2"]);
    const renamed = await t.request("PATCH", `/api/v1/events/${a.slug}`, {
      key,
      body: { title: "NATO at 78" },
    });
    expect(renamed.body.slug).toBe(a.slug);
  });

  it("links topics, speakers in order and related briefs", async () => {
    const t = await createTestApp();
    const key = await t.key(["admin"]);
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Ukraine‑Russia" } });
    await t.request("POST", "/api/v1/topics", { key, body: { name: "NATO" } });
    await t.request("POST", "/api/v1/people", {
      key,
      body: { name: "Jennifer Kavanagh", title: "Senior Fellow" },
    });
    await t.request("POST", "/api/v1/people", { key, body: { name: "Rajan Menon" } });
    await t.request("POST", "/api/v1/briefs", {
      key,
      body: {
        title: "Armed Neutrality for Ukraine Is NATO's Least Poor Option",
        kind: "op-ed",
        publishedOn: "2025-02-18",
      },
    });
    const event = await makeEvent(t, key, {
      topics: ["ukraine-russia", "nato"],
      speakers: [
        { person: "rajan-menon", role: "moderator" },
        { person: "jennifer-kavanagh", role: "speaker" },
      ],
      briefs: [
        { brief: "armed-neutrality-for-ukraine-is-natos-least-poor-option", relation: "background_reading" },
      ],
    });
    const res = await t.request("GET", `/api/v1/events/${event.slug}`);
    expect(res.body.topics.map((x: { slug: string }) => x.slug).sort()).toEqual(["nato", "ukraine-russia"]);
    expect(res.body.speakers).toMatchObject([
      { slug: "rajan-menon", role: "moderator" },
      { slug: "jennifer-kavanagh", role: "speaker", title: "Senior Fellow" },
    ]);
    expect(res.body.briefs).toMatchObject([
      { kind: "op-ed", relation: "background_reading", publishedOn: "2025-02-18" },
    ]);

    const filtered = await t.request("GET", "/api/v1/events?topic=nato");
    expect(filtered.body.data).toHaveLength(1);
    expect((await t.request("GET", "/api/v1/events?topic=china")).body.data).toHaveLength(0);
  });

  it("refuses unknown links by field path and changes nothing", async () => {
    const t = await createTestApp();
    const key = await t.key(["admin"]);
    await t.request("POST", "/api/v1/topics", { key, body: { name: "NATO" } });
    const res = await t.request("POST", "/api/v1/events", {
      key,
      body: {
        title: "Bad links",
        startsAt: "2026-04-16T12:00",
        timeZone: "America/New_York",
        topics: ["nato", "atlantis"],
      },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([{ field: "topics.1", message: 'no topic with slug "atlantis"' }]);
    expect((await t.request("GET", "/api/v1/events?status=draft", { key })).body.data).toEqual([]);
  });

  it("deletes drafts only; a published event must be cancelled instead", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const draft = await makeEvent(t, key, { title: "Short-lived" }, { publish: false });
    expect((await t.request("DELETE", `/api/v1/events/${draft.slug}`, { key })).status).toBe(204);
    expect((await t.request("GET", `/api/v1/events/${draft.slug}`, { key })).status).toBe(404);

    const live = await makeEvent(t, key, { title: "Announced" });
    const refused = await t.request("DELETE", `/api/v1/events/${live.slug}`, { key });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toBe("/problems/not-a-draft");
    const cancelled = await t.request("POST", `/api/v1/events/${live.slug}/cancel`, { key });
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelledAt: "2026-01-15T12:00:00Z" });
    // Cancelled events stay public so calendars and pages can show the cancellation.
    expect((await t.request("GET", `/api/v1/events/${live.slug}`)).body.status).toBe("cancelled");
    expect((await t.request("POST", `/api/v1/events/${live.slug}/cancel`, { key })).status).toBe(409);
  });
});

describe(`events: sequence and the audit log (${engine})`, () => {
  it("raises the sequence on every change a calendar must see, and only then", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key);
    expect(e.sequence).toBe(0);
    const patch = (body: object) => t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body });

    expect((await patch({ summary: "A new summary" })).body.sequence).toBe(0);
    expect((await patch({ title: "A new title" })).body.sequence).toBe(1);
    expect((await patch({ title: "A new title" })).body.sequence).toBe(1);
    expect((await patch({ joinUrl: "https://zoom.example.com/j/999" })).body.sequence).toBe(2);
    expect((await patch({ venue: "Washington, DC" })).body.sequence).toBe(3);
    const moved = await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-04-17T12:00" },
    });
    expect(moved.body).toMatchObject({ sequence: 4, startsAt: "2026-04-17T16:00:00Z", durationMinutes: 60 });
    const cancelled = await t.request("POST", `/api/v1/events/${e.slug}/cancel`, { key });
    expect(cancelled.body.sequence).toBe(5);
  });

  it("records every staff write with the key, the action and before/after", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"], "comms team");
    const admin = await t.key(["admin"]);
    const e = await makeEvent(t, key, { title: "Audited" });
    await t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { title: "Audited twice" } });
    const log = await t.request("GET", `/api/v1/audit-log?entityType=event&entityId=${e.id}`, { key: admin });
    expect(log.body.data.map((r: { action: string }) => r.action)).toEqual([
      "event.update",
      "event.publish",
      "event.create",
    ]);
    expect(log.body.data[0]).toMatchObject({
      keyName: "comms team",
      before: { title: "Audited", sequence: 0 },
      after: { title: "Audited twice", sequence: 1 },
    });
  });

  it("keeps every successful edit when many land at once (no lost update)", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key);
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.request("PATCH", `/api/v1/events/${e.slug}`, { key, body: { title: `Title ${i}` } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200).length;
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    expect(ok).toBeGreaterThan(0);
    const final = await t.request("GET", `/api/v1/events/${e.slug}`);
    // Each successful title change is one calendar-visible change, so none was silently lost.
    expect(final.body.sequence).toBe(ok);
    const admin = await t.key(["admin"]);
    const log = await t.request("GET", `/api/v1/audit-log?entityId=${e.id}&limit=100`, { key: admin });
    expect(log.body.data.filter((r: { action: string }) => r.action === "event.update")).toHaveLength(ok);
  });
});
