import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { attendees, registrations } from "../../src/db/schema.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { countRegistrations, postForm } from "../support/pages.js";
import { manageTokenFromEmail, outboxRows } from "../support/registrations.js";

describe(`the registration form (${engine})`, () => {
  const questions = [
    { id: "affiliation", label: "Affiliation", type: "short_text", required: true },
    { id: "why", label: "Why are you coming?", type: "long_text" },
    {
      id: "role",
      label: "Role",
      type: "single_choice",
      options: ["Press", "Government", "Other"],
      required: true,
    },
    { id: "updates", label: "Send me updates", type: "checkbox" },
  ];

  it("registers through the same service as the API and says 'check your email', the same for a new and a known address", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { capacity: 1, questions });
    const fields = {
      name: "Ada Lovelace",
      email: " Ada@Example.org ",
      "answers.affiliation": "Analytical Engines",
      "answers.role": "Press",
      "answers.updates": "true",
      consent: "yes",
      website: "",
    };
    const res = await postForm(t, `/events/${e.slug}/register`, fields);
    expect(res.status).toBe(200);
    expect(res.text).toContain("Check your email");
    expect(res.text).toContain("Seats are available: a new registration has a seat.");
    expect(res.text).not.toContain("/r/");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    const [reg] = await t.db.select().from(registrations);
    expect(reg!.answers).toEqual({ affiliation: "Analytical Engines", role: "Press", updates: true });
    const [att] = await t.db.select().from(attendees);
    expect(att).toMatchObject({ name: "Ada Lovelace", email: "ada@example.org" });

    const second = await postForm(t, `/events/${e.slug}/register`, { ...fields, email: "bob@example.org" });
    expect(second.text).toContain("a new registration joins the waitlist");
    expect(second.text).not.toContain("/r/");
    // The email has the place in the queue.
    expect(await manageTokenFromEmail(t, "bob@example.org")).toBeTruthy();
    expect(t.inbox.messages.find((m) => m.to.includes("bob@example.org"))?.subject).toMatch(
      /Waitlisted \(#1\)/,
    );

    // Ada again: the page Bob's first submission got, with Ada's address; nothing changes.
    const again = await postForm(t, `/events/${e.slug}/register`, fields);
    expect(again.status).toBe(200);
    expect(again.text.replace("Ada@Example.org", "bob@example.org")).toBe(second.text);
    expect(await countRegistrations(t)).toBe(2);
    expect((await outboxRows(t)).map((r) => r.template)).toContain("registration.resend");
  });

  it("re-renders the form with 422, the values kept and a linked message at each field", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { questions });
    const res = await postForm(t, `/events/${e.slug}/register`, {
      name: "",
      email: "not-an-email <b>",
      "answers.why": "Because <script>",
      "answers.role": "Spy",
    });
    expect(res.status).toBe(422);
    const html = res.text;
    expect(html).toContain("<title>Error: ");
    expect(html).toContain('<div class="summary" role="alert" aria-labelledby="error-summary-title">');
    for (const [field, anchor] of [
      ["name", "f-name"],
      ["email", "f-email"],
      ["answers-affiliation", "f-answers-affiliation"],
      ["answers-role", "f-answers-role-0"],
      ["consent", "f-consent"],
    ]) {
      expect(html).toContain(`href="#${anchor}"`);
      expect(html).toContain(`id="e-${field}"`);
    }
    expect(html).toMatch(
      /id="f-name" name="name" value="" required="" autocomplete="name" aria-invalid="true" aria-describedby="e-name"/,
    );
    expect(html).toContain('value="not-an-email &lt;b&gt;"');
    expect(html).toContain("Because &lt;script&gt;</textarea>");
    expect(html).toContain("Name is required");
    expect(html).toContain("Enter an email address like name@example.org");
    expect(html).toContain("Affiliation is required");
    expect(html).toContain("Role must be one of: Press, Government, Other");
    expect(html).not.toContain("<script>");
    expect(await countRegistrations(t)).toBe(0);
    expect(await outboxRows(t)).toEqual([]);
  });

  it("pretends success to a bot that fills the honeypot and stores nothing", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const res = await postForm(t, `/events/${e.slug}/register`, {
      name: "Bot",
      email: "bot@example.org",
      consent: "yes",
      website: "http://spam.example",
    });
    expect(res.status).toBe(200);
    expect(res.text).toContain("Check your email");
    expect(await countRegistrations(t)).toBe(0);
    expect(await t.db.select().from(attendees)).toEqual([]);
    expect(await outboxRows(t)).toEqual([]);
  });

  it("refuses a post from another origin (CSRF) and changes nothing", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const fields = { name: "Eve", email: "eve@example.org", consent: "yes" };
    const foreign = await postForm(t, `/events/${e.slug}/register`, fields, "https://evil.example");
    expect(foreign.status).toBe(403);
    const missing = await postForm(t, `/events/${e.slug}/register`, fields, null);
    expect(missing.status).toBe(403);
    expect(await countRegistrations(t)).toBe(0);
    const local = await postForm(t, `/events/${e.slug}/register`, fields, "http://localhost");
    expect(local.status).toBe(200);
    expect(await countRegistrations(t)).toBe(1);
  });

  it("applies the registration rate limit to the form too", async () => {
    const t = await createTestApp();
    t.deps.config.REGISTRATION_RATE_LIMIT = 1;
    const key = await t.key();
    const e = await makeEvent(t, key);
    const ok = await postForm(t, `/events/${e.slug}/register`, {
      name: "A",
      email: "a@x.org",
      consent: "yes",
    });
    expect(ok.status).toBe(200);
    const limited = await postForm(t, `/events/${e.slug}/register`, {
      name: "B",
      email: "b@x.org",
      consent: "yes",
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.headers.get("content-type")).toContain("text/html");
    const rows = await t.db.select().from(attendees).where(eq(attendees.email, "b@x.org"));
    expect(rows).toEqual([]);
  });

  it("offers the newsletter unticked, labelled from config, and records a tick as a request from the form", async () => {
    const config = parseConfig({
      PUBLIC_URL: "https://events.example.org",
      LOG_LEVEL: "silent",
      REGISTRATION_RATE_LIMIT: "0",
      NEWSLETTER_LABEL: "Send me <Analysis>",
    });
    const t = await createTestApp({ now: "2026-02-01T09:00:00Z", deps: { config } });
    const e = await makeEvent(t, await t.key());
    const page = (await t.request("GET", `/events/${e.slug}`)).text;
    const box = page.match(/<input type="checkbox"[^>]*name="newsletter"[^>]*>/)?.[0];
    expect(box).toBeDefined();
    expect(box).not.toContain("checked");
    expect(box).not.toContain("required");
    expect(page).toContain("Send me &lt;Analysis&gt;");

    const fields = { name: "Ada", email: "ada@example.org", consent: "yes", website: "" };
    // A failed submission keeps the tick; the successful one records it.
    const failed = await postForm(t, `/events/${e.slug}/register`, {
      ...fields,
      name: "",
      newsletter: "yes",
    });
    expect(failed.status).toBe(422);
    expect(failed.text).toMatch(/<input type="checkbox"[^>]*name="newsletter"[^>]*checked/);
    await postForm(t, `/events/${e.slug}/register`, { ...fields, newsletter: "yes" });
    await postForm(t, `/events/${e.slug}/register`, { ...fields, email: "bob@example.org" });
    const rows = await t.db
      .select({
        email: attendees.email,
        state: attendees.newsletterState,
        at: attendees.newsletterAt,
        source: attendees.newsletterSource,
      })
      .from(attendees)
      .orderBy(attendees.email);
    expect(rows).toEqual([
      { email: "ada@example.org", state: "requested", at: new Date("2026-02-01T09:00:00Z"), source: "form" },
      { email: "bob@example.org", state: null, at: null, source: null },
    ]);
  });

  it("writes a title that ends in a question mark without stray punctuation after it", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key, { title: "Peace in Ukraine?" });
    const fields = { name: "Ada", email: "ada@example.org", consent: "yes", website: "" };
    for (let i = 0; i < 2; i++) {
      // The first submission and a repeat (on main the repeat said "... for Ukraine? .").
      const res = await postForm(t, `/events/${e.slug}/register`, fields);
      const text = res.text.replace(/<[^>]+>/g, "");
      expect(text).toContain("Peace in Ukraine?");
      expect(text).not.toMatch(/\?\s*\./);
    }
  });
});
