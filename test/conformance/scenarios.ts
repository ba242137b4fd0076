import { expect } from "vitest";
import {
  call,
  fromNow,
  icsValue,
  type Mail,
  mailTo,
  manageToken,
  type Target,
  uniqueWord,
} from "./target.js";

/**
 * The black-box scenarios of issue 14, each a function of a deployment (target.ts), run as they
 * are against `npm start` and `wrangler dev` (conformance.*.node.test.ts). Each builds its own
 * data (unique titles and addresses), so they may run at once on one server.
 */

const DAY = 86_400_000;
const JOIN_URL = "https://zoom.example.com/j/4242";

async function createEvent(t: Target, fields: Record<string, unknown>, publish = true) {
  const created = await call(t, "POST", "/api/v1/events", {
    key: true,
    body: { format: "virtual", timeZone: "Europe/Kyiv", joinUrl: JOIN_URL, reminders: [], ...fields },
  });
  expect(created.status, created.text).toBe(201);
  const slug: string = created.json.slug;
  if (publish) {
    const published = await call(t, "POST", `/api/v1/events/${slug}/publish`, { key: true });
    expect(published.status, published.text).toBe(200);
  }
  return { slug, id: created.json.id as string };
}

async function register(t: Target, slug: string, email: string, name = "Olena Kovalenko") {
  const res = await call(t, "POST", `/api/v1/events/${slug}/registrations`, {
    body: { name, email, consent: true },
  });
  expect(res.status, res.text).toBe(202);
  return res;
}

async function statuses(t: Target, slug: string): Promise<Record<string, string>> {
  const res = await call(t, "GET", `/api/v1/events/${slug}/registrations?limit=100`, { key: true });
  expect(res.status, res.text).toBe(200);
  return Object.fromEntries(res.json.data.map((r: { email: string; status: string }) => [r.email, r.status]));
}

const address = (who: string) => `${uniqueWord(who)}@example.org`;
const invitation = (mail: Mail) => {
  expect(mail.calendars, `"${mail.subject}" carries an invitation`).toHaveLength(1);
  return mail.calendars[0]!;
};

/**
 * Whether a conditional GET with the ETag just received answers 304 (empty). The site-wide feeds
 * change while other scenarios run beside this one, so a 200 carrying a new ETag is a fair answer
 * and the pair is tried again, a few times.
 */
async function revalidates(t: Target, path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const etag = (await call(t, "GET", path)).headers.get("etag");
    expect(etag, `${path} has an ETag`).toBeTruthy();
    const again = await call(t, "GET", path, { headers: { "if-none-match": etag! } });
    if (again.status === 304) return again.text === "";
    expect(again.status, path).toBe(200);
    expect(again.headers.get("etag"), `${path}: a 200 to a current ETag`).not.toBe(etag);
  }
  return false;
}

export const SCENARIOS: Record<string, (t: Target) => Promise<void>> = {
  async "staff create an event as a draft, unseen by the public, then publish it"(t) {
    const title = `Briefing ${uniqueWord("draft")}`;
    const body = { title, startsAt: fromNow(30 * DAY), timeZone: "Europe/Kyiv" };
    expect((await call(t, "POST", "/api/v1/events", { body })).status).toBe(401);
    const { slug } = await createEvent(t, body, false);
    expect((await call(t, "GET", `/api/v1/events/${slug}`)).status).toBe(404);
    expect((await call(t, "GET", `/events/${slug}`)).status).toBe(404);

    const published = await call(t, "POST", `/api/v1/events/${slug}/publish`, { key: true });
    expect(published.json.status).toBe("published");
    const read = await call(t, "GET", `/api/v1/events/${slug}`);
    expect(read.status).toBe(200);
    expect(read.json.title).toBe(title);
    expect(read.text).not.toContain(JOIN_URL);
    const page = await call(t, "GET", `/events/${slug}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(title);
    expect(page.text).not.toContain(JOIN_URL);
    const list = await call(t, "GET", "/api/v1/events?limit=100");
    expect(list.json.data.map((e: { slug: string }) => e.slug)).toContain(slug);
  },

  async "a full event waitlists the next address, and a cancellation promotes it with an invitation"(t) {
    const title = `Roundtable ${uniqueWord("seat")}`;
    const { slug } = await createEvent(t, {
      title,
      startsAt: fromNow(20 * DAY),
      capacity: 1,
      waitlist: true,
    });
    const [first, second] = [address("first"), address("second")];
    await register(t, slug, first);
    await register(t, slug, second);
    expect(await statuses(t, slug)).toEqual({ [first]: "confirmed", [second]: "waitlisted" });
    const confirmed = await mailTo(t, first, /^Registered: /);
    await mailTo(t, second, /^Waitlisted \(#1\): /);

    const cancelled = await call(t, "POST", `/api/v1/registrations/${manageToken(confirmed)}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(await statuses(t, slug)).toEqual({ [first]: "cancelled", [second]: "confirmed" });
    const promoted = await mailTo(t, second, /^You're in: /);
    expect(icsValue(invitation(promoted), "METHOD")).toBe("REQUEST");
  },

  async "an attendee manages and cancels from the link in their email, and nowhere else"(t) {
    const title = `Seminar ${uniqueWord("manage")}`;
    const { slug } = await createEvent(t, { title, startsAt: fromNow(15 * DAY) });
    const who = address("manage");
    await register(t, slug, who);
    const token = manageToken(await mailTo(t, who, /^Registered: /));

    const page = await call(t, "GET", `/r/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(title);
    // A form posted from another site changes nothing.
    const forged = await call(t, "POST", `/r/${token}/cancel`, {
      form: "",
      headers: { origin: "https://evil.example" },
    });
    expect(forged.status).toBe(403);
    expect(await statuses(t, slug)).toEqual({ [who]: "confirmed" });
    expect((await call(t, "GET", "/r/notareallinktoken000")).status).toBe(404);

    const done = await call(t, "POST", `/r/${token}/cancel`, { form: "" });
    expect(done.status).toBeLessThan(400);
    expect(await statuses(t, slug)).toEqual({ [who]: "cancelled" });
    const notice = await mailTo(t, who, /^Cancelled: /);
    expect(notice.text).toContain(title);
  },

  async "invitations keep their UID and carry a higher SEQUENCE after a reschedule and the cancellation"(t) {
    const title = `Webinar ${uniqueWord("invite")}`;
    const { slug } = await createEvent(t, { title, startsAt: "2031-03-10T15:00", durationMinutes: 60 });
    const who = address("invite");
    await register(t, slug, who);
    const first = invitation(await mailTo(t, who, /^Registered: /));
    expect(icsValue(first, "METHOD")).toBe("REQUEST");
    expect(icsValue(first, "SUMMARY")).toBe(title);
    expect(first).not.toContain(JOIN_URL);
    const uid = icsValue(first, "UID");
    const sequence = Number(icsValue(first, "SEQUENCE"));

    const moved = await call(t, "POST", `/api/v1/events/${slug}/reschedule`, {
      key: true,
      body: { startsAt: "2031-03-11T16:30" },
    });
    expect(moved.status, moved.text).toBe(200);
    const update = invitation(await mailTo(t, who, /^Updated: /));
    expect(icsValue(update, "METHOD")).toBe("REQUEST");
    expect(icsValue(update, "UID")).toBe(uid);
    expect(Number(icsValue(update, "SEQUENCE"))).toBeGreaterThan(sequence);
    // The event's own DTSTART (the VTIMEZONE before it has DTSTARTs of its own).
    expect(icsValue(update.slice(update.indexOf("BEGIN:VEVENT")), "DTSTART")).toBe("20310311T163000");

    const cancelled = await call(t, "POST", `/api/v1/events/${slug}/cancel`, { key: true });
    expect(cancelled.status, cancelled.text).toBe(200);
    const cancel = invitation(await mailTo(t, who, /^Event cancelled: /));
    expect(icsValue(cancel, "METHOD")).toBe("CANCEL");
    expect(icsValue(cancel, "UID")).toBe(uid);
    expect(Number(icsValue(cancel, "SEQUENCE"))).toBeGreaterThan(Number(icsValue(update, "SEQUENCE")));
  },

  async "every feed sends an ETag and answers 304 to it"(t) {
    const word = uniqueWord("feeds");
    const topic = await call(t, "POST", "/api/v1/topics", { key: true, body: { name: `Topic ${word}` } });
    expect(topic.status, topic.text).toBe(201);
    const topicSlug: string = topic.json.slug;
    const upcoming = await createEvent(t, {
      title: `Upcoming ${word}`,
      startsAt: fromNow(10 * DAY),
      topics: [topicSlug],
    });
    const past = await createEvent(t, {
      title: `Recorded ${word}`,
      startsAt: fromNow(-3 * DAY),
      topics: [topicSlug],
    });
    const recording = await call(t, "POST", `/api/v1/events/${past.slug}/recordings`, {
      key: true,
      body: {
        kind: "video",
        provider: "youtube",
        url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        published: true,
      },
    });
    expect(recording.status, recording.text).toBe(201);
    const who = address("feed");
    await register(t, upcoming.slug, who);
    const token = manageToken(await mailTo(t, who, /^Registered: /));
    const feedPage = await call(t, "POST", `/r/${token}/feed`, { form: "" });
    expect(feedPage.status).toBe(200);
    const personal = /\/feeds\/([^/"\s]+)\/calendar\.ics/.exec(feedPage.text)?.[0];
    expect(personal, "the feed page shows the personal feed's address").toBeDefined();

    const feeds: [string, string][] = [
      ["/calendar.ics", `Upcoming ${word}`],
      [`/topics/${topicSlug}/calendar.ics`, `Upcoming ${word}`],
      [`/events/${upcoming.slug}.ics`, `Upcoming ${word}`],
      [personal!, `Upcoming ${word}`],
      ["/archive/feed.xml", `Recorded ${word}`],
      ["/archive/feed.json", `Recorded ${word}`],
      [`/topics/${topicSlug}/feed.xml`, `Recorded ${word}`],
      [`/topics/${topicSlug}/feed.json`, `Recorded ${word}`],
    ];
    for (const [path, shows] of feeds) {
      const full = await call(t, "GET", path);
      expect(full.status, path).toBe(200);
      expect(full.text, path).toContain(shows);
      expect(await revalidates(t, path), `${path} answers 304 to its ETag`).toBe(true);
    }
  },

  async "a reminder falls due seconds before the start and reaches the registrant before it"(t) {
    const title = `Call ${uniqueWord("remind")}`;
    // Due 20 s after creation (room for the registration, which must come before the moment),
    // and a minute to send it before the start, after which it would be skipped, not late.
    const startsAt = fromNow(80_000);
    const { slug } = await createEvent(t, { title, startsAt, durationMinutes: 30, reminders: ["PT60S"] });
    const who = address("remind");
    await register(t, slug, who);
    const reminder = await mailTo(t, who, /^Reminder: /, 45_000);
    expect(Date.now()).toBeLessThan(Date.parse(startsAt));
    expect(reminder.subject).toContain(title);
    const plan = await call(t, "GET", `/api/v1/events/${slug}/reminders`, { key: true });
    expect(plan.status, plan.text).toBe(200);
    const [row] = plan.json.reminders.filter((r: { offset: string }) => r.offset === "PT60S");
    expect(row.status).toBe("done");
    expect(row.delivery.sent).toBe(1);
  },

  async "a recording attached to an event that has ended is announced to its registrants"(t) {
    const title = `Panel ${uniqueWord("record")}`;
    // Started an hour ago, ends in 15 s: registration is open until the end, the notice due then.
    const { slug } = await createEvent(t, { title, startsAt: fromNow(-3_600_000), endsAt: fromNow(15_000) });
    const who = address("record");
    await register(t, slug, who);
    const attached = await call(t, "POST", `/api/v1/events/${slug}/recordings`, {
      key: true,
      body: {
        kind: "video",
        provider: "youtube",
        url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        published: true,
      },
    });
    expect(attached.status, attached.text).toBe(201);
    const notice = await mailTo(t, who, /^Recording available: /);
    expect(notice.subject).toContain(title);
    expect(notice.text).toContain(`/archive/${slug}`);
    const listed = await call(t, "GET", `/api/v1/events/${slug}/recordings`);
    expect(listed.status).toBe(200);
    expect(listed.json.data).toHaveLength(1);
  },

  async "the archive finds a past event by a word of its title, and only it"(t) {
    const word = uniqueWord("archive");
    const title = `Lecture on ${word}`;
    const { slug } = await createEvent(t, { title, startsAt: fromNow(-10 * DAY) });
    const found = await call(t, "GET", `/api/v1/archive?q=${word}`);
    expect(found.status, found.text).toBe(200);
    expect(found.json.data.map((e: { slug: string }) => e.slug)).toEqual([slug]);
    const missed = await call(t, "GET", `/api/v1/archive?q=${uniqueWord("absent")}`);
    expect(missed.json.data).toEqual([]);
    const page = await call(t, "GET", `/archive?q=${word}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(title);
  },
};
