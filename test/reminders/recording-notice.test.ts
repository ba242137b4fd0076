import { describe, expect, it } from "vitest";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { type Mailbox, mailbox } from "../support/mailbox.js";
import { registerWithLink } from "../support/registrations.js";

const YT = "https://www.youtube.com/watch?v=dQw4w9WgXcQ";
const VIMEO = "https://vimeo.com/76979871";

// The event is makeEvent's default: 2026-04-16 16:00-17:00Z; no reminders, to keep the mailbox
// about the recording.
async function setup() {
  const box = mailbox();
  const t = await createTestApp({ deps: { mailer: box.mailer } });
  const key = await t.key();
  const brief = await t.request("POST", "/api/v1/briefs", {
    key,
    body: {
      title: "Ceasefire scenarios for 2026",
      kind: "brief",
      url: "https://example.org/briefs/ceasefire",
    },
  });
  expect(brief.status).toBe(201);
  const e = await makeEvent(t, key, {
    reminders: [],
    capacity: 10,
    briefs: [{ brief: brief.body.slug, relation: "background_reading" }],
  });
  return { t, key, e, box };
}

const notices = (box: Mailbox) => box.messages.filter((m) => m.subject.startsWith("Recording available:"));

async function register(t: TestApp, slug: string, email: string) {
  return (await registerWithLink(t, slug, email)).token;
}

const attach = (t: TestApp, key: string, slug: string, body: Record<string, unknown>) =>
  t.request("POST", `/api/v1/events/${slug}/recordings`, {
    key,
    body: { kind: "video", provider: "youtube", url: YT, published: true, ...body },
  });

describe(`"recording available" (${engine})`, () => {
  it("emails every confirmed registrant once, attended or not, except those who opted out or cancelled", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "attended@example.org");
    await register(t, e.slug, "absent@example.org");
    const quiet = await register(t, e.slug, "quiet@example.org");
    const gone = await register(t, e.slug, "gone@example.org");
    await t.request("POST", `/r/${quiet}/unsubscribe`, {
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    await t.request("POST", `/api/v1/registrations/${gone}/cancel`);
    const imported = await t.request("POST", `/api/v1/events/${e.slug}/attendance`, {
      key,
      headers: { "content-type": "text/csv" },
      body: "Email\nattended@example.org\n",
    });
    expect(imported.status).toBe(200);

    t.clock.set("2026-04-17T09:00:00Z");
    expect((await attach(t, key, e.slug, {})).status).toBe(201);
    await runDueWork(t.deps);
    const sent = notices(box);
    expect(sent.map((m) => m.to).sort()).toEqual(["absent@example.org", "attended@example.org"]);
    const [one] = sent;
    expect(one!.subject).toBe(`Recording available: ${e.title}`);
    expect(one!.text).toContain(`Watch: https://events.example.org/archive/${e.slug}`);
    expect(one!.text).toContain("- Ceasefire scenarios for 2026: https://example.org/briefs/ceasefire");
    expect(one!.html).toContain('href="https://example.org/briefs/ceasefire"');
    expect(one!.headers["List-Unsubscribe"]).toMatch(/\/r\/[0-9a-z]+\/unsubscribe>$/);

    expect((await attach(t, key, e.slug, { provider: "vimeo", url: VIMEO })).status).toBe(201);
    t.clock.set("2026-04-18T09:00:00Z");
    await runDueWork(t.deps);
    expect(notices(box)).toHaveLength(2);

    const plan = await t.request("GET", `/api/v1/events/${e.slug}/reminders`, { key });
    expect(plan.body.reminders).toEqual([
      expect.objectContaining({
        kind: "recording",
        offset: "recording",
        status: "done",
        delivery: { queued: 0, retrying: 0, sent: 2, failed: 0, skipped: 0 },
      }),
    ]);
  });

  it("waits for the end of the event when the recording is attached ahead of time", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "early@example.org");
    expect((await attach(t, key, e.slug, {})).status).toBe(201);
    await runDueWork(t.deps);
    t.clock.set("2026-04-16T16:59:00Z");
    await runDueWork(t.deps);
    expect(notices(box)).toHaveLength(0);
    t.clock.set("2026-04-16T17:00:00Z");
    await runDueWork(t.deps);
    expect(notices(box).map((m) => m.to)).toEqual(["early@example.org"]);
  });

  it("sends nothing for an unpublished recording until it is published", async () => {
    const { t, key, e, box } = await setup();
    await register(t, e.slug, "ada@example.org");
    t.clock.set("2026-04-17T09:00:00Z");
    const draft = await attach(t, key, e.slug, { published: false });
    expect(draft.status).toBe(201);
    await runDueWork(t.deps);
    expect(notices(box)).toHaveLength(0);
    const published = await t.request("PATCH", `/api/v1/recordings/${draft.body.id}`, {
      key,
      body: { published: true },
    });
    expect(published.status).toBe(200);
    await runDueWork(t.deps);
    expect(notices(box).map((m) => m.to)).toEqual(["ada@example.org"]);
  });
});
