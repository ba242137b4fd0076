import { describe, expect, it } from "vitest";
import { deliver, hasNoCalendar, inviteOf, mailTo, setup, smtp } from "../support/imip.js";
import { linkToken } from "../support/mailbox.js";
import { joinLinkOwner, outboxRows, registerFor } from "../support/registrations.js";

describe("iMIP invitations over SMTP", () => {
  it("sends a confirmed registrant a REQUEST with their personal join link, and the waitlisted none", async () => {
    const { t, event } = await setup();
    await registerFor(t, event.slug, { email: "ada@example.org", name: "Ada Lovelace" });
    await registerFor(t, event.slug, { email: "bob@example.org", name: "Bob" });
    await registerFor(t, event.slug, { email: "cy@example.org", name: "Cy" });
    await deliver(t);
    expect(smtp.received).toHaveLength(3);

    const [mail] = mailTo("ada@example.org");
    expect(mail!.parsed.subject).toBe("Registered: Ukraine's critical choice");
    const invite = inviteOf(mail!);
    expect(invite).toMatchObject({
      method: "REQUEST",
      uid: `${event.id}@events.example.org`,
      sequence: 0,
      status: "CONFIRMED",
      start: "2026-03-06T17:00:00.000Z",
      end: "2026-03-06T18:00:00.000Z",
      attendeeName: "Ada Lovelace",
    });
    // The join link in the invitation is the one minted for this message, as in its text.
    const join = linkToken(mail!.parsed.text!, "j")!;
    expect(invite.location).toBe(`https://events.example.org/j/${join}`);
    expect(invite.description).toContain(`https://events.example.org/j/${join}`);
    expect(await joinLinkOwner(t, join)).toBe("ada@example.org");
    expect(mail!.parsed.text).toContain("The attached invitation (invite.ics)");

    expect(inviteOf(mailTo("bob@example.org")[0]!).attendeeName).toBe("Bob");
    const [waitlisted] = mailTo("cy@example.org");
    expect(waitlisted!.parsed.subject).toMatch(/^Waitlisted/);
    expect(hasNoCalendar(waitlisted!)).toBe(true);
  });

  it("keeps the UID through an update across a DST change and the cancellation, raising SEQUENCE", async () => {
    const { t, key, event } = await setup();
    for (const email of ["ada@example.org", "bob@example.org", "cy@example.org"]) {
      await registerFor(t, event.slug, { email });
    }
    await deliver(t);
    const first = inviteOf(mailTo("ada@example.org")[0]!);

    // March 6 is EST (UTC-5); New York springs forward on March 8; March 10 is EDT (UTC-4).
    const moved = await t.request("POST", `/api/v1/events/${event.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-03-10T12:00" },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.sequence).toBe(1);
    await deliver(t);
    const updates = smtp.received.slice(3);
    expect(updates.map((r) => r.envelopeTo[0]).sort()).toEqual(["ada@example.org", "bob@example.org"]);
    for (const r of updates) {
      expect(r.parsed.subject).toBe("Updated: Ukraine's critical choice");
      expect(r.parsed.text).toContain("Tuesday 10 March 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
      const updated = inviteOf(r);
      expect(updated).toMatchObject({
        method: "REQUEST",
        uid: first.uid,
        sequence: first.sequence + 1,
        status: "CONFIRMED",
        start: "2026-03-10T16:00:00.000Z",
        end: "2026-03-10T17:00:00.000Z",
      });
      expect(updated.location).toBe(`https://events.example.org/j/${linkToken(r.parsed.text!, "j")}`);
    }

    const cancelled = await t.request("POST", `/api/v1/events/${event.slug}/cancel`, { key });
    expect(cancelled.status).toBe(200);
    await deliver(t);
    const notices = smtp.received.slice(5);
    expect(notices.map((r) => r.envelopeTo[0]).sort()).toEqual([
      "ada@example.org",
      "bob@example.org",
      "cy@example.org",
    ]);
    for (const r of notices) expect(r.parsed.subject).toBe("Event cancelled: Ukraine's critical choice");
    for (const email of ["ada@example.org", "bob@example.org"]) {
      const r = mailTo(email).at(-1)!;
      const cancel = inviteOf(r);
      expect(cancel).toMatchObject({
        method: "CANCEL",
        uid: first.uid,
        sequence: 2,
        status: "CANCELLED",
        start: "2026-03-10T16:00:00.000Z",
      });
      expect(linkToken(r.parsed.text!, "j")).toBeUndefined();
      expect(cancel.location).not.toContain("/j/");
    }
    // The waitlisted person hears about it, with nothing for a calendar they never got.
    expect(mailTo("cy@example.org").every(hasNoCalendar)).toBe(true);
    expect(smtp.received).toHaveLength((await outboxRows(t)).length);
  });
});
