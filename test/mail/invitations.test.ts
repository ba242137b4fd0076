import { describe, expect, it } from "vitest";
import type { MailMessage } from "../../src/deps.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { linkToken, mailbox } from "../support/mailbox.js";
import { outboxRows, registerFor, registerWithLink, statusOf } from "../support/registrations.js";

/**
 * Invitations (iMIP) through the outbox, on libsql and on D1 in workerd: which changes queue
 * which messages (in the change's own batch), their dedupe keys, and what each message carries.
 */
const JOIN_URL = "https://zoom.example.com/j/555?pwd=hush";

const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
/** A property of the calendar (METHOD) or, after the time zones, of its one VEVENT. */
const prop = (ics: string, name: string) =>
  unfold(ics)
    .split("\r\n")
    .filter((_, i, lines) => name === "METHOD" || i > lines.indexOf("BEGIN:VEVENT"))
    .find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`))
    ?.replace(/^[^:]*:/, "");

async function setup(overrides: Record<string, unknown> = {}) {
  const box = mailbox();
  const t = await createTestApp({ deps: { mailer: box.mailer } });
  const key = await t.key(["admin"]);
  const event = await makeEvent(t, key, { capacity: 3, waitlist: true, joinUrl: JOIN_URL, ...overrides });
  return { t, box, key, event };
}

/** Registers people (the first `capacity` get seats, the rest the waitlist), sends what is due, returns ids by email. */
async function fill(t: TestApp, key: string, slug: string, emails: string[]) {
  for (const email of emails) expect((await registerFor(t, slug, { email })).status).toBe(202);
  await runDueWork(t.deps);
  const list = await t.request("GET", `/api/v1/events/${slug}/registrations?limit=100`, { key });
  return Object.fromEntries(
    (list.body.data as { id: string; email: string }[]).map((r) => [r.email, r.id]),
  ) as Record<string, string>;
}

const rowsOf = async (t: TestApp, template: string) =>
  (await outboxRows(t)).filter((r) => r.template === template);

const inbox = (box: ReturnType<typeof mailbox>, email: string) => box.messages.filter((m) => m.to === email);

const PEOPLE = ["a@example.org", "b@example.org", "c@example.org", "w1@example.org", "w2@example.org"];
const SEATED = PEOPLE.slice(0, 3);

describe(`invitations through the outbox (${engine})`, () => {
  it("queues one event.updated per confirmed registration on a reschedule, keyed by registration, sequence and method", async () => {
    const { t, box, key, event } = await setup();
    const ids = await fill(t, key, event.slug, PEOPLE);
    expect(Object.fromEntries(box.messages.map((m) => [m.to, m.calendar?.method ?? null]))).toEqual({
      "a@example.org": "REQUEST",
      "b@example.org": "REQUEST",
      "c@example.org": "REQUEST",
      "w1@example.org": null,
      "w2@example.org": null,
    });

    const moved = await t.request("POST", `/api/v1/events/${event.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-04-17T09:30" },
    });
    expect(moved.body.sequence).toBe(1);
    const rows = await rowsOf(t, "event.updated");
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual(
      SEATED.map((e) => `reg:${ids[e]}:invite:1:REQUEST`).sort(),
    );
    expect(rows.every((r) => r.eventId === event.id && r.status === "pending")).toBe(true);

    box.messages.length = 0;
    await runDueWork(t.deps);
    expect(box.messages.map((m) => m.to).sort()).toEqual(SEATED);
    for (const m of box.messages) {
      expect(m.subject).toMatch(/^Updated: /);
      expect(m.calendar?.method).toBe("REQUEST");
      const ics = m.calendar!.content;
      expect(prop(ics, "METHOD")).toBe("REQUEST");
      expect(prop(ics, "UID")).toBe(`${event.id}@events.example.org`);
      expect(prop(ics, "SEQUENCE")).toBe("1");
      expect(prop(ics, "DTSTART")).toBe("20260417T093000");
      expect(unfold(ics)).toContain("\r\nDTSTART;TZID=America/New_York:20260417T093000\r\n");
      expect(prop(ics, "ATTENDEE")).toBe(`MAILTO:${m.to}`);
    }

    // A second reschedule: a new sequence, a new set of keys, nothing for the waitlist.
    await t.request("POST", `/api/v1/events/${event.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-04-18T09:30" },
    });
    const keys = (await rowsOf(t, "event.updated")).map((r) => r.dedupeKey);
    expect(keys).toHaveLength(6);
    expect(keys.filter((k) => k.endsWith(":invite:2:REQUEST"))).toHaveLength(3);
  });

  it("sends updates for changes calendars see (title, place, join link) and none for the rest", async () => {
    const { t, box, key, event } = await setup();
    await fill(t, key, event.slug, PEOPLE);
    const patch = (body: Record<string, unknown>) =>
      t.request("PATCH", `/api/v1/events/${event.slug}`, { key, body });

    expect((await patch({ summary: "A new summary", capacity: 4 })).body.sequence).toBe(0);
    expect(await rowsOf(t, "event.updated")).toHaveLength(0);
    // The capacity rise promoted w1: their own invitation, no "updated" message.
    expect((await rowsOf(t, "registration.promoted")).map((r) => r.registrationId)).toHaveLength(1);

    expect((await patch({ title: "A sharper title" })).body.sequence).toBe(1);
    expect(await rowsOf(t, "event.updated")).toHaveLength(4);
    expect((await patch({ joinUrl: "https://zoom.example.com/j/556" })).body.sequence).toBe(2);
    expect(await rowsOf(t, "event.updated")).toHaveLength(8);
    // Same data again: no change, no message.
    expect((await patch({ title: "A sharper title" })).body.sequence).toBe(2);
    expect(await rowsOf(t, "event.updated")).toHaveLength(8);

    box.messages.length = 0;
    await runDueWork(t.deps);
    // Rendered when sent: the first update is superseded by the second, which carries it all.
    const sent = box.messages.filter((m) => m.subject.startsWith("Updated: "));
    expect(sent.map((m) => m.to).sort()).toEqual([...SEATED, "w1@example.org"].sort());
    for (const m of sent) {
      expect(prop(m.calendar!.content, "SEQUENCE")).toBe("2");
      expect(prop(m.calendar!.content, "SUMMARY")).toBe("A sharper title");
    }
    const skipped = (await rowsOf(t, "event.updated")).filter((r) => r.lastError?.startsWith("skipped:"));
    expect(skipped).toHaveLength(4);
    expect(skipped[0]!.lastError).toBe("skipped: superseded by the invitation for sequence 2");
  });

  it("queues nothing for drafts, on publish, or when nobody holds a seat", async () => {
    const { t, key } = await setup();
    const draft = await makeEvent(t, key, { title: "Draft" }, { publish: false });
    await t.request("PATCH", `/api/v1/events/${draft.slug}`, { key, body: { title: "Draft, renamed" } });
    await t.request("POST", `/api/v1/events/${draft.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-05-01T10:00" },
    });
    const published = await t.request("POST", `/api/v1/events/${draft.slug}/publish`, { key });
    expect(published.status).toBe(200);
    expect(await outboxRows(t)).toEqual([]);

    // An event whose only registrant left: nobody to tell.
    const lonely = await makeEvent(t, key, { title: "Lonely", capacity: 1 });
    const solo = await registerWithLink(t, lonely.slug, "solo@example.org");
    await t.request("POST", `/api/v1/registrations/${solo.token}/cancel`);
    const before = (await outboxRows(t)).length;
    await t.request("POST", `/api/v1/events/${lonely.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-05-02T10:00" },
    });
    await t.request("POST", `/api/v1/events/${lonely.slug}/cancel`, { key });
    expect(await outboxRows(t)).toHaveLength(before);
  });

  it("tells confirmed and waitlisted people of a cancelled event, with METHOD:CANCEL for those with a seat", async () => {
    const { t, box, key, event } = await setup();
    const ids = await fill(t, key, event.slug, [...PEOPLE, "gone@example.org"]);
    const gone = inbox(box, "gone@example.org")[0]!;
    await t.request("POST", `/api/v1/registrations/${linkToken(gone.text, "r")}/cancel`);
    await runDueWork(t.deps);
    box.messages.length = 0;

    const res = await t.request("POST", `/api/v1/events/${event.slug}/cancel`, { key });
    expect(res.body).toMatchObject({ status: "cancelled", sequence: 1 });
    const rows = await rowsOf(t, "event.cancelled");
    expect(rows.map((r) => r.dedupeKey).sort()).toEqual(
      PEOPLE.map((e) => `reg:${ids[e]}:invite:1:CANCEL`).sort(),
    );
    // Whether each held a seat (and so an invitation) is recorded when the message is queued.
    const seated = new Set(SEATED.map((e) => ids[e]));
    for (const r of rows)
      expect(r.params).toEqual({
        registrationId: r.registrationId,
        sequence: 1,
        hadSeat: seated.has(r.registrationId!),
      });
    const [left] = await rowsOf(t, "registration.cancelled");
    expect(left!.params).toEqual({ registrationId: ids["gone@example.org"], hadSeat: false });

    await runDueWork(t.deps);
    await runDueWork(t.deps); // nothing twice
    expect(box.messages.map((m) => m.to).sort()).toEqual([...PEOPLE].sort());
    for (const m of box.messages) {
      expect(m.subject).toBe(`Event cancelled: ${event.title}`);
      expect(m.text).toContain("has been cancelled");
      expect(linkToken(m.text, "j")).toBeUndefined();
    }
    for (const email of SEATED) {
      const [m] = inbox(box, email);
      expect(m!.calendar?.method).toBe("CANCEL");
      expect(prop(m!.calendar!.content, "METHOD")).toBe("CANCEL");
      expect(prop(m!.calendar!.content, "STATUS")).toBe("CANCELLED");
      expect(prop(m!.calendar!.content, "SEQUENCE")).toBe("1");
      expect(prop(m!.calendar!.content, "UID")).toBe(`${event.id}@events.example.org`);
    }
    for (const email of ["w1@example.org", "w2@example.org"]) {
      expect(inbox(box, email)[0]!.calendar).toBeUndefined();
    }
  });

  it("puts the message's own /j/ link in the invitation, never the event's join URL", async () => {
    const { t, box, key, event } = await setup({ format: "hybrid", venue: "Hall A" });
    await fill(t, key, event.slug, ["joiner@example.org"]);
    const [m] = box.messages as [MailMessage];
    const join = linkToken(m.text, "j")!;
    const ics = unfold(m.calendar!.content);
    expect(prop(ics, "LOCATION")).toBe(`Hall A (and online: https://events.example.org/j/${join})`);
    expect(ics).toContain(`Join online (your personal link): https://events.example.org/j/${join}`);
    expect(JSON.stringify(box.messages)).not.toContain("zoom.example.com");
    expect(JSON.stringify(await outboxRows(t))).not.toContain(join);
  });

  it("sends only what is still true when the messages leave, so a cancel and a comeback in one tick leave calendars right", async () => {
    const { t, box, event } = await setup({ capacity: 1 });
    const register = (email: string) => registerWithLink(t, event.slug, email);
    const cancel = (token: string) => t.request("POST", `/api/v1/registrations/${token}/cancel`);
    // Coming back is the manage page's "Register again" (the address alone changes nothing).
    const rejoin = (token: string) =>
      t.request("POST", `/r/${token}/rejoin`, { headers: { origin: "https://events.example.org" } });
    const status = (email: string) => statusOf(t, event.slug, email);
    const sent = (email: string) =>
      inbox(box, email)
        .map((m) => `${m.subject.split(":")[0]} ${m.calendar?.method ?? "-"}`)
        .sort();

    // Ada cancels and comes back before anything is sent: she holds the seat again, so her
    // cancellation is no longer true (and a CANCEL would delete what her REQUEST puts there).
    const ada = await register("ada@example.org");
    expect((await cancel(ada.token)).status).toBe(200);
    expect((await rejoin(ada.token)).status).toBe(303);
    expect(await status("ada@example.org")).toBe("confirmed");
    expect((await register("bob@example.org")).status).toBe("waitlisted");
    await runDueWork(t.deps);
    // Only what is still true when the messages leave: one confirmation (on main before this,
    // three emails at once: registered, cancelled, registered).
    expect(sent("ada@example.org")).toEqual(["Registered REQUEST"]);
    expect(sent("bob@example.org")).toEqual(["Waitlisted (#1) -"]);

    // Ada leaves (Bob moves up) and rejoins, onto the waitlist, before anything is sent: she
    // held a seat when she left, so her cancellation does carry the CANCEL.
    box.messages.length = 0;
    expect((await cancel(ada.token)).status).toBe(200);
    expect((await rejoin(ada.token)).status).toBe(303);
    expect(await status("ada@example.org")).toBe("waitlisted");
    await runDueWork(t.deps);
    expect(sent("ada@example.org")).toEqual(["Cancelled CANCEL", "Waitlisted (#1) -"]);
    expect(sent("bob@example.org")).toEqual(["You're in REQUEST"]);
  });

  it("rolls the invitations back with a change that loses a race", async () => {
    const { t, key, event } = await setup();
    await fill(t, key, event.slug, PEOPLE);
    const results = await Promise.all(
      ["One", "Two", "Three"].map((title) =>
        t.request("PATCH", `/api/v1/events/${event.slug}`, { key, body: { title } }),
      ),
    );
    const ok = results.filter((r) => r.status === 200).length;
    expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
    const after = await t.request("GET", `/api/v1/events/${event.slug}`, { key });
    expect(after.body.sequence).toBe(ok);
    const keys = (await rowsOf(t, "event.updated")).map((r) => r.dedupeKey);
    expect(keys).toHaveLength(3 * ok);
    for (let s = 1; s <= ok; s++) expect(keys.filter((k) => k.includes(`:invite:${s}:`))).toHaveLength(3);
  });
});
