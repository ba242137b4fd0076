import { describe, expect, it } from "vitest";
import { WEBHOOK_TYPES } from "../../src/features/webhooks/index.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor, registerWithLink } from "../support/registrations.js";
import { addEndpoint, queuedWebhooks, typesQueued } from "../support/webhooks.js";

async function setup() {
  const t = await createTestApp({ now: "2026-04-01T12:00:00Z" });
  const admin = await t.key(["admin"]);
  return { t, admin };
}

const idsByEmail = async (t: Awaited<ReturnType<typeof setup>>["t"], slug: string, key: string) =>
  Object.fromEntries(
    (await t.request("GET", `/api/v1/events/${slug}/registrations?limit=100`, { key })).body.data.map(
      (r: any) => [r.email, r.id],
    ),
  ) as Record<string, string>;

describe(`webhook messages queued with their change (${engine})`, () => {
  it("queues each of the nine types, once per enabled endpoint that wants it, in the change's own batch", async () => {
    const { t, admin } = await setup();
    const all = await addEndpoint(t, admin, "https://crm.example.org/all", [...WEBHOOK_TYPES]);
    const cancelsOnly = await addEndpoint(t, admin, "https://site.example.org/c", ["event.cancelled"]);
    await addEndpoint(t, admin, "https://off.example.org/h", [...WEBHOOK_TYPES], { enabled: false });

    const e = await makeEvent(
      t,
      admin,
      {
        capacity: 1,
        waitlist: true,
        questions: [{ id: "org", label: "Organisation", type: "short_text", required: false }],
      },
      { publish: false },
    );
    await t.request("PATCH", `/api/v1/events/${e.slug}`, { key: admin, body: { summary: "Draft edit" } });
    expect(await typesQueued(t)).toEqual([]); // a draft is nobody's business
    await t.request("POST", `/api/v1/events/${e.slug}/publish`, { key: admin });
    await t.request("PATCH", `/api/v1/events/${e.slug}`, { key: admin, body: { title: "Peace or war?" } });
    await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key: admin,
      body: { startsAt: "2026-04-16T13:00" },
    });
    expect(await typesQueued(t)).toEqual(["event.published", "event.updated", "event.rescheduled"]);

    await registerFor(t, e.slug, { email: "ada@example.org", name: "Ada", answers: { org: "Analytical" } });
    await registerFor(t, e.slug, { email: "bob@example.org", name: "Bob" });
    await registerFor(t, e.slug, { email: " ADA@example.org", name: "Not Ada" }); // known: changes nothing
    const ids = await idsByEmail(t, e.slug, admin);
    expect(
      (await t.request("DELETE", `/api/v1/registrations/${ids["ada@example.org"]}`, { key: admin })).status,
    ).toBe(200);
    const rec = await t.request("POST", `/api/v1/events/${e.slug}/recordings`, {
      key: admin,
      body: {
        kind: "video",
        provider: "youtube",
        url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        published: true,
      },
    });
    expect(rec.status).toBe(201);
    t.clock.set("2026-04-16T19:00:00Z");
    const csv = "Name (Original Name),User Email,Join Time\r\nBob,bob@example.org,04/16/2026 01:01:00 PM\r\n";
    const imported = await t.request("POST", `/api/v1/events/${e.slug}/attendance`, {
      key: admin,
      body: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(imported.status).toBe(200);
    await t.request("POST", `/api/v1/events/${e.slug}/cancel`, { key: admin });

    const queued = await queuedWebhooks(t);
    const to = (endpointId: string) => queued.filter((w) => w.params.endpointId === endpointId);
    expect(to(all.id).map((w) => w.params.type)).toEqual([
      "event.published",
      "event.updated",
      "event.rescheduled",
      "registration.created",
      "registration.created",
      "registration.cancelled",
      "registration.promoted",
      "recording.published",
      "attendance.recorded",
      "event.cancelled",
    ]);
    expect(to(cancelsOnly.id).map((w) => w.params.type)).toEqual(["event.cancelled"]);
    expect(queued).toHaveLength(11); // nothing for the disabled endpoint
    // One message id per change, the same for every endpoint (webhook-id); a dedupe key per endpoint.
    const cancelled = queued.filter((w) => w.params.type === "event.cancelled");
    expect(cancelled[0]!.params.webhookId).toBe(cancelled[1]!.params.webhookId);
    expect(new Set(to(all.id).map((w) => w.params.webhookId)).size).toBe(10);
    expect(queued.every((w) => w.template === `webhook:${w.params.type}`)).toBe(true);

    const byType = Object.fromEntries(to(all.id).map((w) => [w.params.type, w.params]));
    expect(byType["event.updated"]!.data.event).toMatchObject({
      id: e.id,
      title: "Peace or war?",
      status: "published",
      url: `https://events.example.org/events/${e.slug}`,
    });
    expect(byType["event.rescheduled"]!.data.event.startsAt).toBe("2026-04-16T17:00:00.000Z");
    expect(byType["event.published"]!.timestamp).toBe("2026-04-01T12:00:00.000Z");
    const created = to(all.id).find((w) => w.params.type === "registration.created")!.params.data;
    expect(created.registration).toMatchObject({
      name: "Ada",
      email: "ada@example.org",
      status: "confirmed",
      answers: { org: "Analytical" },
    });
    expect(byType["registration.promoted"]!.data.registration).toMatchObject({
      email: "bob@example.org",
      status: "confirmed",
    });
    expect(byType["registration.cancelled"]!.data.registration).toMatchObject({
      email: "ada@example.org",
      status: "cancelled",
    });
    expect(byType["attendance.recorded"]!.data.registration).toEqual({
      id: ids["bob@example.org"],
      attendedAt: "2026-04-16T17:01:00.000Z",
    });
    expect(byType["recording.published"]!.data.recording).toMatchObject({
      kind: "video",
      provider: "youtube",
    });
    // No join URL ever; registrant fields only in registration.* types.
    for (const w of queued) {
      const text = JSON.stringify(w.params);
      expect(text).not.toContain("zoom.example.com");
      if (!w.params.type.startsWith("registration."))
        expect(text, w.params.type).not.toMatch(/@example\.org|answers/);
    }
  });

  it("queues nothing when no enabled endpoint wants the type, nor for a change that did not happen", async () => {
    const { t, admin } = await setup();
    await addEndpoint(t, admin, "https://site.example.org/c", ["event.cancelled"]);
    const e = await makeEvent(t, admin, { capacity: 1, waitlist: false });
    await registerFor(t, e.slug, { email: "ada@example.org" });
    expect(await typesQueued(t)).toEqual([]);

    await addEndpoint(t, admin, "https://crm.example.org/r", ["registration.created"]);
    // Full, no waitlist: refused, and its batch queues nothing either.
    expect((await registerFor(t, e.slug, { email: "bob@example.org" })).status).toBe(409);
    expect(await typesQueued(t)).toEqual([]);
    await registerFor(t, e.slug, { email: "ada@example.org" }); // a repeat is not a new registration
    expect(await typesQueued(t)).toEqual([]);
  });

  it("commits a message exactly when its change commits: edits that lost a race announce nothing", async () => {
    const { t, admin } = await setup();
    await addEndpoint(t, admin, "https://crm.example.org/u", ["event.updated"]);
    const e = await makeEvent(t, admin);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t.request("PATCH", `/api/v1/events/${e.slug}`, { key: admin, body: { summary: `Edit ${i}` } }),
      ),
    );
    const applied = answers.filter((a) => a.status === 200);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    const queued = await queuedWebhooks(t);
    expect(queued).toHaveLength(applied.length);
    expect(queued.map((w) => w.params.data.event.summary).sort()).toEqual(
      applied.map((a) => a.body.summary).sort(),
    );
  });

  it("carries the newsletter request in registration.created, and null for someone who left the box unticked", async () => {
    const { t, admin } = await setup();
    await addEndpoint(t, admin, "https://crm.example.org/r", ["registration.created"]);
    const e = await makeEvent(t, admin);
    await registerFor(t, e.slug, { email: "ada@example.org", newsletter: true });
    await registerFor(t, e.slug, { email: "bob@example.org" });
    const [ada, bob] = await queuedWebhooks(t);
    expect(ada!.params.data.registration.newsletter).toEqual({
      state: "requested",
      at: t.clock.now().toISOString(),
      source: "api",
    });
    expect(bob!.params.data.registration.newsletter).toBeNull();
  });

  it("empties the payloads about a person who erases their data, and sends none still waiting", async () => {
    const { t, admin } = await setup();
    await addEndpoint(t, admin, "https://crm.example.org/r", ["registration.created"]);
    const e = await makeEvent(t, admin);
    const { token } = await registerWithLink(t, e.slug, "ada@example.org", { name: "Ada" });
    await registerFor(t, e.slug, { email: "bob@example.org", name: "Bob" });
    expect(JSON.stringify(await queuedWebhooks(t))).toContain("ada@example.org");
    const erased = await t.request("POST", `/r/${token}/erase`, {
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://events.example.org" },
    });
    expect(erased.status).toBe(200);
    const [ada, bob] = await queuedWebhooks(t);
    expect(JSON.stringify(ada)).not.toMatch(/ada@example\.org|"Ada"/);
    expect(ada).toMatchObject({ status: "sent", params: { data: { erased: true } } });
    expect(bob).toMatchObject({
      status: "pending",
      params: { data: { registration: { email: "bob@example.org" } } },
    });
  });

  it("announces a cancellation by the attendee and a registration brought back as created again", async () => {
    const { t, admin } = await setup();
    await addEndpoint(t, admin, "https://crm.example.org/r", [
      "registration.created",
      "registration.cancelled",
    ]);
    const e = await makeEvent(t, admin);
    const { token } = await registerWithLink(t, e.slug, "ada@example.org");
    const form = {
      "content-type": "application/x-www-form-urlencoded",
      origin: "https://events.example.org",
    };
    expect((await t.request("POST", `/r/${token}/cancel`, { headers: form })).status).toBe(303);
    expect((await t.request("POST", `/r/${token}/rejoin`, { headers: form })).status).toBe(303);
    const queued = await queuedWebhooks(t);
    expect(queued.map((w) => [w.params.type, w.params.data.registration.status])).toEqual([
      ["registration.created", "confirmed"],
      ["registration.cancelled", "cancelled"],
      ["registration.created", "confirmed"],
    ]);
    expect(new Set(queued.map((w) => w.params.webhookId)).size).toBe(3);
  });
});
