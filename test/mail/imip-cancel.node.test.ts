import { describe, expect, it } from "vitest";
import { runDueWork } from "../../src/jobs/due-work.js";
import { deliver, hasNoCalendar, inviteOf, mailTo, setup, smtp } from "../support/imip.js";
import { linkToken } from "../support/mailbox.js";
import { outboxRows, registerFor } from "../support/registrations.js";

describe("iMIP cancellations and updates over SMTP", () => {
  it("sends METHOD:CANCEL when a registrant cancels or staff remove them, and a REQUEST to whoever moves up", async () => {
    const { t, key, event } = await setup();
    await registerFor(t, event.slug, { email: "ada@example.org" });
    await registerFor(t, event.slug, { email: "bob@example.org" });
    await registerFor(t, event.slug, { email: "cy@example.org" });
    await registerFor(t, event.slug, { email: "dee@example.org" });
    await deliver(t);
    const uid = inviteOf(mailTo("ada@example.org")[0]!).uid;

    const manage = linkToken(mailTo("ada@example.org")[0]!.parsed.text!, "r")!;
    expect((await t.request("POST", `/api/v1/registrations/${manage}/cancel`)).status).toBe(200);
    await deliver(t);
    const [, own] = mailTo("ada@example.org");
    expect(own!.parsed.subject).toBe("Cancelled: Ukraine's critical choice");
    expect(inviteOf(own!)).toMatchObject({ method: "CANCEL", uid, sequence: 0, status: "CANCELLED" });
    const [, promoted] = mailTo("cy@example.org");
    expect(promoted!.parsed.subject).toBe("You're in: Ukraine's critical choice");
    expect(inviteOf(promoted!)).toMatchObject({ method: "REQUEST", uid, sequence: 0, status: "CONFIRMED" });

    // A title change is a change calendars must see: sequence 1 from now on.
    expect(
      (await t.request("PATCH", `/api/v1/events/${event.slug}`, { key, body: { title: "Peace or war?" } }))
        .status,
    ).toBe(200);
    await deliver(t);
    const staff = await t.request("GET", `/api/v1/events/${event.slug}/registrations`, { key });
    const bob = staff.body.data.find((r: { email: string }) => r.email === "bob@example.org");
    expect((await t.request("DELETE", `/api/v1/registrations/${bob.id}`, { key })).status).toBe(200);
    await deliver(t);
    const removed = mailTo("bob@example.org").at(-1)!;
    expect(removed.parsed.subject).toBe("Cancelled: Peace or war?");
    expect(inviteOf(removed)).toMatchObject({ method: "CANCEL", uid, sequence: 1, status: "CANCELLED" });
    const moved = mailTo("dee@example.org").at(-1)!;
    expect(moved.parsed.subject).toBe("You're in: Peace or war?");
    expect(inviteOf(moved)).toMatchObject({ method: "REQUEST", uid, sequence: 1 });

    // A waitlisted person who cancels had nothing in their calendar to remove.
    await registerFor(t, event.slug, { email: "eve@example.org" });
    await deliver(t);
    const eveManage = linkToken(mailTo("eve@example.org")[0]!.parsed.text!, "r")!;
    await t.request("POST", `/api/v1/registrations/${eveManage}/cancel`);
    await deliver(t);
    expect(mailTo("eve@example.org").map((r) => r.parsed.subject)).toEqual([
      "Waitlisted (#1): Peace or war?",
      "Cancelled: Peace or war?",
    ]);
    expect(mailTo("eve@example.org").every(hasNoCalendar)).toBe(true);
  });

  it("sends one REQUEST per confirmed registrant per sequence, even with two runs at once", async () => {
    const { t, key, event } = await setup({ capacity: 20 });
    const emails = Array.from({ length: 12 }, (_, i) => `p${i}@example.org`);
    for (const email of emails) await registerFor(t, event.slug, { email });
    await deliver(t);
    expect(smtp.received).toHaveLength(12);

    const moved = await t.request("POST", `/api/v1/events/${event.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-03-10T12:00" },
    });
    expect(moved.status).toBe(200);
    await Promise.all([runDueWork(t.deps), runDueWork(t.deps)]);
    await runDueWork(t.deps);
    await smtp.settled();

    const updates = smtp.received.slice(12);
    expect(updates.map((r) => r.envelopeTo[0]).sort()).toEqual([...emails].sort());
    for (const r of updates) expect(inviteOf(r)).toMatchObject({ method: "REQUEST", sequence: 1 });
    expect(new Set(updates.map((r) => r.parsed.messageId)).size).toBe(12);
    const rows = (await outboxRows(t)).filter((r) => r.template === "event.updated");
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.status === "sent" && /^reg:reg_\w+:invite:1:REQUEST$/.test(r.dedupeKey))).toBe(
      true,
    );
  });
});
