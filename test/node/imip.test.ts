import ICAL from "ical.js";
import type { Attachment } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findByToken } from "../../src/features/registrations/service.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { smtpMailer } from "../../src/mail/smtp.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken } from "../support/mailbox.js";
import { outboxRows, registerFor } from "../support/registrations.js";
import { type Received, type SmtpServer, startSmtpServer } from "../support/smtp.js";

/**
 * iMIP (RFC 6047) end to end: registrations and event changes go through the outbox and a real
 * SMTP conversation; the received messages are parsed with mailparser and their calendar parts
 * with ical.js (Thunderbird's parser), which reads our VTIMEZONE rules.
 */
const JOIN_URL = "https://zoom.example.com/j/987654321?pwd=secret";

let smtp: SmtpServer;
beforeEach(async () => {
  smtp = await startSmtpServer();
});
afterEach(async () => {
  await smtp.close();
});

async function setup(overrides: Record<string, unknown> = {}) {
  const t = await createTestApp();
  t.deps.mailer = smtpMailer(smtp.url);
  const key = await t.key(["admin"]);
  const event = await makeEvent(t, key, {
    title: "Ukraine's critical choice",
    startsAt: "2026-03-06T12:00",
    timeZone: "America/New_York",
    capacity: 2,
    waitlist: true,
    joinUrl: JOIN_URL,
    ...overrides,
  });
  return { t, key, event };
}

async function deliver(t: TestApp) {
  await runDueWork(t.deps);
  await smtp.settled();
}

const mailTo = (email: string) => smtp.received.filter((r) => r.envelopeTo[0] === email);

interface CalendarParts {
  /** The text/calendar alternative and the method parameter of its content type. */
  alternative: { method: string | undefined; charset: string | undefined; text: string } | undefined;
  /** The attached invite.ics. */
  file: string | undefined;
}

function calendarParts(r: Received): CalendarParts {
  const alt = r.parsed.attachments.find((a) => a.contentType === "text/calendar");
  const file = r.parsed.attachments.find((a) => a.filename === "invite.ics");
  const params = (a: Attachment) =>
    (a.headers.get("content-type") as { params?: Record<string, string> } | undefined)?.params ?? {};
  return {
    alternative: alt && {
      method: params(alt).method,
      charset: params(alt).charset,
      text: alt.content.toString("utf8"),
    },
    file: file?.content.toString("utf8"),
  };
}

/** Everything a reader or a program could find in the message: raw, decoded text, every part. */
const everything = (r: Received) =>
  [
    r.raw.replace(/=\r?\n/g, ""),
    r.parsed.text,
    r.parsed.html,
    ...r.parsed.attachments.map((a) => a.content.toString("utf8")),
  ].join("\n");

interface Invite {
  method: string;
  uid: string;
  sequence: number;
  status: string;
  start: string;
  end: string;
  attendee: string;
  attendeeName: string;
  organizer: string;
  location: string;
  description: string;
}

function readInvite(text: string): Invite {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const vtz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
  const vevents = cal.getAllSubcomponents("vevent");
  expect(vevents).toHaveLength(1);
  const v = vevents[0]!;
  const e = new ICAL.Event(v);
  const attendees = v.getAllProperties("attendee");
  expect(attendees).toHaveLength(1);
  return {
    method: String(cal.getFirstPropertyValue("method")),
    uid: e.uid,
    sequence: e.sequence,
    status: String(v.getFirstPropertyValue("status")),
    start: e.startDate.toJSDate().toISOString(),
    end: e.endDate.toJSDate().toISOString(),
    attendee: String(attendees[0]!.getFirstValue()).toLowerCase(),
    attendeeName: String(attendees[0]!.getParameter("cn")),
    organizer: String(v.getFirstPropertyValue("organizer")).toLowerCase(),
    location: e.location,
    description: e.description,
  };
}

/** The message's invitation, checked for the shape every calendar app relies on. */
function inviteOf(r: Received): Invite {
  const { alternative, file } = calendarParts(r);
  expect(alternative, `no text/calendar part in "${r.parsed.subject}"`).toBeDefined();
  expect(alternative!.charset?.toLowerCase()).toBe("utf-8");
  expect(file).toBe(alternative!.text);
  const methodLine = /\r\nMETHOD:([A-Z]+)\r\n/.exec(alternative!.text)?.[1];
  expect(alternative!.method).toBe(methodLine);
  const invite = readInvite(alternative!.text);
  expect(invite.method).toBe(methodLine);
  expect(invite.attendee).toBe(`mailto:${r.envelopeTo[0]}`);
  expect(invite.organizer).toBe("mailto:events@localhost"); // MAIL_FROM's address
  expect(everything(r)).not.toContain("zoom.example.com");
  return invite;
}

const hasNoCalendar = (r: Received) => {
  const { alternative, file } = calendarParts(r);
  return alternative === undefined && file === undefined && !everything(r).includes("BEGIN:VCALENDAR");
};

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
    expect((await findByToken(t.deps, join, "join"))?.attendee.email).toBe("ada@example.org");
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
      expect(r.parsed.text).toContain(
        "Tuesday, March 10, 2026, 12:00 PM – 1:00 PM (America/New_York time, UTC-04:00)",
      );
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
