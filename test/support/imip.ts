import ICAL from "ical.js";
import type { Attachment } from "mailparser";
import { afterEach, beforeEach, expect } from "vitest";
import { runDueWork } from "../../src/jobs/due-work.js";
import { smtpMailer } from "../../src/mail/smtp.js";
import { createTestApp, type TestApp } from "./app.js";
import { makeEvent } from "./events.js";
import { type Received, type SmtpServer, startSmtpServer } from "./smtp.js";

/**
 * iMIP (RFC 6047) end to end: registrations and event changes go through the outbox and a real
 * SMTP conversation; the received messages are parsed with mailparser and their calendar parts
 * with ical.js (Thunderbird's parser), which reads our VTIMEZONE rules.
 */
export const JOIN_URL = "https://zoom.example.com/j/987654321?pwd=secret";

/** The SMTP server of the running test (a fresh one per test: the hooks below). */
export let smtp: SmtpServer;
beforeEach(async () => {
  smtp = await startSmtpServer();
});
afterEach(async () => {
  await smtp.close();
});

export async function setup(overrides: Record<string, unknown> = {}) {
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

export async function deliver(t: TestApp) {
  await runDueWork(t.deps);
  await smtp.settled();
}

export const mailTo = (email: string) => smtp.received.filter((r) => r.envelopeTo[0] === email);

export interface CalendarParts {
  /** The text/calendar alternative and the method parameter of its content type. */
  alternative: { method: string | undefined; charset: string | undefined; text: string } | undefined;
  /** The attached invite.ics. */
  file: string | undefined;
}

export function calendarParts(r: Received): CalendarParts {
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
export const everything = (r: Received) =>
  [
    r.raw.replace(/=\r?\n/g, ""),
    r.parsed.text,
    r.parsed.html,
    ...r.parsed.attachments.map((a) => a.content.toString("utf8")),
  ].join("\n");

export interface Invite {
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

export function readInvite(text: string): Invite {
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
export function inviteOf(r: Received): Invite {
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

export const hasNoCalendar = (r: Received) => {
  const { alternative, file } = calendarParts(r);
  return alternative === undefined && file === undefined && !everything(r).includes("BEGIN:VCALENDAR");
};
