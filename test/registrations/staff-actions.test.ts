import { describe, expect, it } from "vitest";
import { engine } from "../support/app.js";
import { outboxRows } from "../support/registrations.js";
import { auditOf, list, registerAll, setup } from "../support/staff-registrations.js";

describe(`staff promote and remove (${engine})`, () => {
  async function fullEvent(capacity: number, waiting: number) {
    const { t, admin, e } = await setup(capacity);
    const ids: string[] = [];
    await registerAll(
      t,
      e.slug,
      Array.from({ length: capacity + waiting }, (_, i) => ({ email: `r${i}@example.org` })),
    );
    for (const r of (await list(t, e.slug, admin, "?limit=100")).body.data) ids.push(r.id);
    return { t, admin, e, ids };
  }

  it("promotes a waitlisted person past the capacity, queues their email and records who did it", async () => {
    const { t, e, ids } = await fullEvent(1, 3);
    const writer = await t.key(["registrations:write"], "events team");
    const res = await t.request("POST", `/api/v1/registrations/${ids[2]}/promote`, { key: writer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: ids[2],
      status: "confirmed",
      position: null,
      email: "r2@example.org",
    });
    const admin = await t.key(["admin"]);
    const rows = (await list(t, e.slug, admin)).body.data;
    expect(rows.map((r: any) => [r.status, r.position])).toEqual([
      ["confirmed", null],
      ["waitlisted", 1],
      ["confirmed", null],
      ["waitlisted", 2],
    ]);
    const promoted = (await outboxRows(t)).filter((r) => r.template === "registration.promoted");
    expect(promoted.map((r) => r.registrationId)).toEqual([ids[2]]);
    const audit = await auditOf(t, admin, "registration");
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: "registration.promote",
      entityId: ids[2],
      keyName: "events team",
      before: { status: "waitlisted", position: 2 },
      after: { status: "confirmed" },
    });

    const again = await t.request("POST", `/api/v1/registrations/${ids[2]}/promote`, { key: writer });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe("/problems/not-waitlisted");
    expect((await t.request("POST", "/api/v1/registrations/reg_nope/promote", { key: writer })).status).toBe(
      404,
    );
    expect(await auditOf(t, admin, "registration")).toHaveLength(1);
  });

  it("refuses to promote into a cancelled event", async () => {
    const { t, admin, e, ids } = await fullEvent(1, 1);
    await t.request("POST", `/api/v1/events/${e.slug}/cancel`, { key: admin });
    const res = await t.request("POST", `/api/v1/registrations/${ids[1]}/promote`, { key: admin });
    expect(res.status).toBe(409);
    expect(res.body.type).toBe("/problems/event-closed");
    expect(await auditOf(t, admin, "registration")).toHaveLength(0);
  });

  it("removes a registration and gives its seat to the head of the waitlist in the same step", async () => {
    const { t, admin, e, ids } = await fullEvent(2, 2);
    const res = await t.request("DELETE", `/api/v1/registrations/${ids[0]}`, { key: admin });
    expect(res.status).toBe(200);
    expect(res.body.removed).toMatchObject({
      id: ids[0],
      status: "cancelled",
      cancelledAt: expect.any(String),
    });
    expect(res.body.promoted.map((r: any) => [r.id, r.status])).toEqual([[ids[2], "confirmed"]]);
    const rows = (await list(t, e.slug, admin)).body.data;
    expect(rows.map((r: any) => [r.status, r.position])).toEqual([
      ["cancelled", null],
      ["confirmed", null],
      ["confirmed", null],
      ["waitlisted", 1],
    ]);
    const mail = (await outboxRows(t)).filter(
      (r) => r.template !== "registration.confirmed" && r.template !== "registration.waitlisted",
    );
    expect(mail.map((r) => [r.template, r.registrationId]).sort()).toEqual(
      [
        ["registration.cancelled", ids[0]],
        ["registration.promoted", ids[2]],
      ].sort(),
    );
    const audit = await auditOf(t, admin, "registration");
    expect(audit).toEqual([
      expect.objectContaining({
        action: "registration.remove",
        entityId: ids[0],
        before: { status: "confirmed", position: null },
        after: { status: "cancelled", promoted: [ids[2]] },
      }),
    ]);

    const again = await t.request("DELETE", `/api/v1/registrations/${ids[0]}`, { key: admin });
    expect(again.status).toBe(200);
    expect(again.body.promoted).toEqual([]);
    expect(await auditOf(t, admin, "registration")).toHaveLength(1);
    expect((await t.request("DELETE", "/api/v1/registrations/reg_nope", { key: admin })).status).toBe(404);
  });

  it("lets a registrations:read key look but not promote, remove or import", async () => {
    const { t, e, ids } = await fullEvent(1, 1);
    const reader = await t.key(["registrations:read"]);
    expect((await list(t, e.slug, reader)).status).toBe(200);
    expect((await t.request("POST", `/api/v1/registrations/${ids[1]}/promote`, { key: reader })).status).toBe(
      403,
    );
    expect((await t.request("DELETE", `/api/v1/registrations/${ids[0]}`, { key: reader })).status).toBe(403);
    const imp = await t.request("POST", `/api/v1/events/${e.slug}/attendance`, {
      key: reader,
      body: "Email\r\nr0@example.org\r\n",
      headers: { "content-type": "text/csv" },
    });
    expect(imp.status).toBe(403);
    expect((await t.request("POST", `/api/v1/registrations/${ids[1]}/promote`)).status).toBe(401);
    const statuses = (await list(t, e.slug, reader)).body.data.map((r: any) => r.status);
    expect(statuses).toEqual(["confirmed", "waitlisted"]);
  });

  it("fills seats from the head of the waitlist when staff raise the capacity, keeping the queue gap-free", async () => {
    const { t, admin, e, ids } = await fullEvent(2, 5);
    const res = await t.request("PATCH", `/api/v1/events/${e.slug}`, { key: admin, body: { capacity: 4 } });
    expect(res.status).toBe(200);
    const rows = (await list(t, e.slug, admin)).body.data;
    expect(rows.filter((r: any) => r.status === "confirmed").map((r: any) => r.id)).toEqual(ids.slice(0, 4));
    expect(rows.filter((r: any) => r.status === "waitlisted").map((r: any) => r.position)).toEqual([1, 2, 3]);
    const promoted = (await outboxRows(t)).filter((r) => r.template === "registration.promoted");
    expect(promoted.map((r) => r.registrationId).sort()).toEqual([ids[2], ids[3]].sort());
    // Lowering it seats nobody new and unseats nobody.
    await t.request("PATCH", `/api/v1/events/${e.slug}`, { key: admin, body: { capacity: 1 } });
    const after = (await list(t, e.slug, admin, "?status=confirmed")).body.data;
    expect(after).toHaveLength(4);
    // A removal then promotes nobody while the event is over capacity.
    const removed = await t.request("DELETE", `/api/v1/registrations/${ids[0]}`, { key: admin });
    expect(removed.body.promoted).toEqual([]);
  });
});
