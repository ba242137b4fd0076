import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findByToken } from "../../src/features/registrations/service.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { smtpMailer } from "../../src/mail/smtp.js";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken } from "../support/mailbox.js";
import { joinLinkOwner, outboxRows, registerFor } from "../support/registrations.js";
import { type Received, type SmtpServer, startSmtpServer } from "../support/smtp.js";

const JOIN_URL = "https://zoom.example.com/j/987654321?pwd=secret";

let smtp: SmtpServer;
beforeEach(async () => {
  smtp = await startSmtpServer();
});
afterEach(async () => {
  await smtp.close();
});

async function setup() {
  const t = await createTestApp({ deps: {} });
  t.deps.mailer = smtpMailer(smtp.url);
  const key = await t.key(["events:write"]);
  return { t, key };
}

const to = (r: Received) => r.envelopeTo[0];
const header = (r: Received, name: string) =>
  r.parsed.headerLines.find((h) => h.key === name.toLowerCase())?.line.replace(/^[^:]+:\s*/, "");
/** The whole message as a reader sees it: raw without quoted-printable soft breaks, and the decoded parts. */
const everything = (r: Received) =>
  [r.raw.replace(/=\r?\n/g, ""), r.parsed.text, r.parsed.html, JSON.stringify(r.parsed.headerLines)].join(
    "\n",
  );
const mailTo = (email: string) => smtp.received.filter((r) => to(r) === email);

describe("registration emails over SMTP", () => {
  it("sends one message per outbox row, with HTML and text, unsubscribe headers and a working manage link", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, { capacity: 10, joinUrl: JOIN_URL });
    for (const email of ["ada@example.org", "bob@example.org", "cy@example.org"])
      await registerFor(t, e.slug, { email });
    await runDueWork(t.deps);

    const rows = await outboxRows(t);
    expect(smtp.received).toHaveLength(rows.length);
    expect(new Set(smtp.received.map((r) => r.parsed.messageId)).size).toBe(rows.length);
    for (const r of smtp.received) {
      expect(r.parsed.from?.value).toEqual([{ name: "Convene", address: "events@localhost" }]);
      expect(r.parsed.subject).toBe("Registered: Ukraine's critical choice: Pursue peace or fight on");
      expect(r.parsed.html).toContain("<!doctype html>");
      expect(r.parsed.text).toContain("You're registered for");
      expect(r.parsed.messageId).toMatch(/^<[0-9a-f]{32}@events\.example\.org>$/);
      const manage = linkToken(r.parsed.text!, "r")!;
      // The header carries its own token: it stops reminders and opens nothing else.
      const unsub = /^<https:\/\/events\.example\.org\/r\/([0-9a-z]+)\/unsubscribe>$/.exec(
        header(r, "List-Unsubscribe") ?? "",
      )?.[1];
      expect(unsub).toBeDefined();
      expect(unsub).not.toBe(manage);
      expect(await findByToken(t.deps, unsub!, "manage")).toBeNull();
      expect((await t.request("GET", `/r/${unsub}`)).status).toBe(404);
      expect((await findByToken(t.deps, unsub!, "unsubscribe"))?.attendee.email).toBe(to(r));
      const oneClick = await t.request("POST", `/r/${unsub}/unsubscribe`, {
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      expect(oneClick.status).toBe(200);
      expect((await findByToken(t.deps, manage, "manage"))?.registration.remindersOptOut).toBe(true);
      expect(header(r, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
      expect(r.parsed.html).toContain(`href="https://events.example.org/r/${manage}"`);
      const found = await findByToken(t.deps, manage, "manage");
      expect(found?.attendee.email).toBe(to(r));
      expect(everything(r)).not.toContain("zoom.example.com");
    }
  });

  it("shows the time in the event's zone with its offset and in UTC", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, { startsAt: "2026-04-16T12:00", timeZone: "America/New_York" });
    await registerFor(t, e.slug, { email: "time@example.org" });
    await runDueWork(t.deps);
    const text = smtp.received[0]!.parsed.text!;
    expect(text).toContain("Thursday 16 April 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
    expect(text).toContain("Thursday 16 April 2026, 16:00\u201317:00 UTC");
  });

  it("gives a personal join link only to confirmed attendees of online events, never the real meeting link", async () => {
    const { t, key } = await setup();
    const virtual = await makeEvent(t, key, { title: "Online", capacity: 1, joinUrl: JOIN_URL });
    const hybrid = await makeEvent(t, key, {
      title: "Hybrid",
      format: "hybrid",
      venue: "Hall A",
      joinUrl: JOIN_URL,
    });
    const inPerson = await makeEvent(t, key, {
      title: "In person",
      format: "in_person",
      venue: "Hall B",
      joinUrl: null,
    });
    await registerFor(t, virtual.slug, { email: "seat@example.org" });
    await registerFor(t, virtual.slug, { email: "queue1@example.org" });
    await registerFor(t, virtual.slug, { email: "queue2@example.org" });
    await registerFor(t, hybrid.slug, { email: "hybrid@example.org" });
    await registerFor(t, inPerson.slug, { email: "room@example.org" });
    await runDueWork(t.deps);
    expect(smtp.received).toHaveLength(5);

    const joinOf = (email: string) => linkToken(mailTo(email)[0]!.parsed.text!, "j");
    for (const email of ["seat@example.org", "hybrid@example.org"]) {
      expect(await joinLinkOwner(t, joinOf(email)!)).toBe(email);
    }
    expect(joinOf("queue1@example.org")).toBeUndefined();
    expect(joinOf("room@example.org")).toBeUndefined();
    expect(mailTo("room@example.org")[0]!.parsed.text).toContain("Where: Hall B");
    for (const r of smtp.received) expect(everything(r)).not.toContain("zoom.example.com");

    const second = mailTo("queue2@example.org")[0]!.parsed;
    expect(second.subject).toBe("Waitlisted (#2): Online");
    expect(second.text).toContain("Your place in the queue: 2.");
  });

  it("tells the first waitlisted person they're in when a seat is cancelled through the emailed link", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, { title: "Small room", capacity: 1, joinUrl: JOIN_URL });
    await registerFor(t, e.slug, { email: "first@example.org" });
    await registerFor(t, e.slug, { email: "next@example.org" });
    await runDueWork(t.deps);
    expect(mailTo("next@example.org")[0]!.parsed.text).toContain("Your place in the queue: 1.");

    const manage = linkToken(mailTo("first@example.org")[0]!.parsed.text!, "r")!;
    expect((await t.request("POST", `/api/v1/registrations/${manage}/cancel`)).status).toBe(200);
    await runDueWork(t.deps);

    const [, cancelled] = mailTo("first@example.org");
    expect(cancelled?.parsed.subject).toBe("Cancelled: Small room");
    expect(linkToken(cancelled!.parsed.text!, "j")).toBeUndefined();
    const [, promoted] = mailTo("next@example.org");
    expect(promoted?.parsed.subject).toBe("You're in: Small room");
    expect(promoted?.parsed.text).toContain("you're in for Small room");
    const join = linkToken(promoted!.parsed.text!, "j")!;
    expect(await joinLinkOwner(t, join)).toBe("next@example.org");
    expect(smtp.received).toHaveLength((await outboxRows(t)).length);
  });

  it("escapes the event title and the attendee's name in the HTML part", async () => {
    const { t, key } = await setup();
    const e = await makeEvent(t, key, { title: `<script>alert(1)</script> "War" & 'Peace'` });
    await registerFor(t, e.slug, { email: "x@example.org", name: `Ann <img src=x onerror=alert(1)>` });
    await runDueWork(t.deps);
    const { html, subject, text } = smtp.received[0]!.parsed;
    expect(subject).toBe(`Registered: <script>alert(1)</script> "War" & 'Peace'`);
    expect(text).toContain(`<script>alert(1)</script> "War" & 'Peace'`);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &quot;War&quot; &amp; &#39;Peace&#39;");
    expect(html).toContain("Ann &lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
  });
});
