import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { attendees } from "../../src/db/schema.js";
import { parseCsv } from "../../src/features/registrations/csv.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { postForm } from "../support/pages.js";
import { manageTokenFromEmail, registerAndOpenEmail, registerFor } from "../support/registrations.js";
import { csvOf, list } from "../support/staff-registrations.js";

// Issue 15's newsletter opt-in, double opt-in because anyone may type anyone's address: the
// form and API only record a request, the emailed manage page (the mailbox) confirms it.

const newsletterOf = async (t: TestApp, email: string) => {
  const [row] = await t.db
    .select({
      state: attendees.newsletterState,
      at: attendees.newsletterAt,
      source: attendees.newsletterSource,
    })
    .from(attendees)
    .where(eq(attendees.email, email));
  return row;
};

const press = (t: TestApp, token: string, choice: "confirm" | "withdraw") =>
  postForm(t, `/r/${token}/newsletter/${choice}`, {});

/** The newest email to `email`, after the due work sent what was queued. */
async function lastEmailTo(t: TestApp, email: string) {
  await runDueWork(t.deps);
  const message = t.inbox.messages.findLast((m) => m.to.includes(email));
  if (!message) throw new Error(`no email reached ${email}`);
  return message;
}

const unsubscribeTokenOf = (message: { headers: Record<string, string> }) =>
  /\/r\/([0-9a-z]+)\/unsubscribe/.exec(message.headers["List-Unsubscribe"] ?? "")?.[1];

describe(`the newsletter opt-in of a registration (${engine})`, () => {
  it("records a ticked box of a new registration as a request, with the API as source and the clock's time", async () => {
    const t = await createTestApp({ now: "2026-02-01T09:30:00Z" });
    const e = await makeEvent(t, await t.key());
    expect((await registerFor(t, e.slug, { email: "ada@example.org", newsletter: true })).status).toBe(202);
    await registerFor(t, e.slug, { email: "bob@example.org" });
    await registerFor(t, e.slug, { email: "cy@example.org", newsletter: false });

    expect(await newsletterOf(t, "ada@example.org")).toEqual({
      state: "requested",
      at: new Date("2026-02-01T09:30:00Z"),
      source: "api",
    });
    const nothing = { state: null, at: null, source: null };
    expect(await newsletterOf(t, "bob@example.org")).toEqual(nothing);
    expect(await newsletterOf(t, "cy@example.org")).toEqual(nothing);
  });

  it("refuses a newsletter field that is not a boolean with a problem naming it, and stores nothing", async () => {
    const t = await createTestApp();
    const e = await makeEvent(t, await t.key());
    for (const value of ["yes", 1, null]) {
      const res = await registerFor(t, e.slug, { email: "ada@example.org", newsletter: value });
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body.errors.map((x: { field: string }) => x.field)).toEqual(["newsletter"]);
    }
    expect(await newsletterOf(t, "ada@example.org")).toBeUndefined();
  });

  it("tells the person in the confirmation email that the request waits for their confirmation", async () => {
    const t = await createTestApp();
    const e = await makeEvent(t, await t.key());
    await registerFor(t, e.slug, { email: "ada@example.org", newsletter: true });
    await registerFor(t, e.slug, { email: "bob@example.org" });
    expect((await lastEmailTo(t, "ada@example.org")).text).toContain("You asked for our newsletter");
    expect((await lastEmailTo(t, "bob@example.org")).text).not.toContain("newsletter");
  });

  it("lets a stranger who re-registers a known address with the box ticked change nothing, with the same answer", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const e = await makeEvent(t, key);
    const other = await makeEvent(t, key, { title: "Another" });
    await registerFor(t, e.slug, { email: "quiet@example.org" });
    const stopped = await registerAndOpenEmail(t, e.slug, "stopped@example.org", { newsletter: true });
    await press(t, stopped.token, "withdraw");
    const before = await newsletterOf(t, "stopped@example.org");
    t.clock.advance(60_000);

    const answer = async (slug: string, email: string) => {
      const res = await registerFor(t, slug, { email, name: "Mallory", newsletter: true });
      return `${res.status} ${res.text.replaceAll(email, "<address>")}`;
    };
    const known = [
      await answer(e.slug, "quiet@example.org"),
      await answer(other.slug, "quiet@example.org"),
      await answer(e.slug, "stopped@example.org"),
    ];
    const fresh = await answer(e.slug, "new@example.org");
    expect(known).toEqual([fresh, fresh, fresh]);
    expect(await newsletterOf(t, "quiet@example.org")).toEqual({ state: null, at: null, source: null });
    expect(await newsletterOf(t, "stopped@example.org")).toEqual(before);
  });
});

describe(`the newsletter on the manage page (${engine})`, () => {
  it("confirms a request with 'Confirm' (source manage-page) and stops it with 'Stop the newsletter'", async () => {
    const t = await createTestApp({ now: "2026-02-01T09:00:00Z" });
    const e = await makeEvent(t, await t.key());
    const a = await registerAndOpenEmail(t, e.slug, "ada@example.org", { newsletter: true });
    const page = await t.request("GET", `/r/${a.token}`);
    expect(page.text).toContain(`action="/r/${a.token}/newsletter/confirm"`);
    expect(page.text).toContain("No thanks");

    t.clock.set("2026-02-02T08:00:00Z");
    const res = await press(t, a.token, "confirm");
    expect(res.status).toBe(303);
    expect(await newsletterOf(t, "ada@example.org")).toEqual({
      state: "confirmed",
      at: new Date("2026-02-02T08:00:00Z"),
      source: "manage-page",
    });
    expect((await t.request("GET", `/r/${a.token}`)).text).toContain("Stop the newsletter");

    t.clock.set("2026-02-03T08:00:00Z");
    await press(t, a.token, "withdraw");
    expect(await newsletterOf(t, "ada@example.org")).toEqual({
      state: "withdrawn",
      at: new Date("2026-02-03T08:00:00Z"),
      source: "manage-page",
    });
    expect((await t.request("GET", `/r/${a.token}`)).text).toContain("Send me the newsletter");
  });

  it("withdraws a request with 'No thanks'", async () => {
    const t = await createTestApp();
    const e = await makeEvent(t, await t.key());
    const a = await registerAndOpenEmail(t, e.slug, "ada@example.org", { newsletter: true });
    await press(t, a.token, "withdraw");
    expect((await newsletterOf(t, "ada@example.org"))?.state).toBe("withdrawn");
  });

  it("lets the owner of a known address opt in from the resend email's manage link in one step", async () => {
    const t = await createTestApp();
    const e = await makeEvent(t, await t.key());
    await registerFor(t, e.slug, { email: "ada@example.org" });
    await registerFor(t, e.slug, { email: "ada@example.org", newsletter: true });
    const resend = await lastEmailTo(t, "ada@example.org");
    expect(resend.subject).toContain("Your links");
    const token = await manageTokenFromEmail(t, "ada@example.org");
    expect((await t.request("GET", `/r/${token}`)).text).toContain("Send me the newsletter");
    await press(t, token, "confirm");
    expect(await newsletterOf(t, "ada@example.org")).toMatchObject({
      state: "confirmed",
      source: "manage-page",
    });
  });

  it("changes nothing for a request from another site, an unknown token or an expired link", async () => {
    const t = await createTestApp({ now: "2026-04-01T12:00:00Z" });
    const e = await makeEvent(t, await t.key());
    const a = await registerAndOpenEmail(t, e.slug, "ada@example.org", { newsletter: true });
    expect((await postForm(t, `/r/${a.token}/newsletter/confirm`, {}, "https://evil.example")).status).toBe(
      403,
    );
    expect((await press(t, "abcdefghijklmnopqrstuvwxyz0123456789abc", "confirm")).status).toBe(404);
    t.clock.set("2026-06-30T12:00:00Z"); // more than MANAGE_LINK_DAYS after the event
    expect((await press(t, a.token, "confirm")).status).toBe(404);
    expect((await newsletterOf(t, "ada@example.org"))?.state).toBe("requested");
  });
});

describe(`the newsletter beyond the manage page (${engine})`, () => {
  it("is withdrawn by the email's List-Unsubscribe link, whose page says so", async () => {
    const t = await createTestApp({ now: "2026-02-01T09:00:00Z" });
    const e = await makeEvent(t, await t.key());
    const a = await registerAndOpenEmail(t, e.slug, "ada@example.org", { newsletter: true });
    await press(t, a.token, "confirm");
    const unsubscribe = unsubscribeTokenOf(await lastEmailTo(t, "ada@example.org"))!;
    expect((await t.request("GET", `/r/${unsubscribe}/unsubscribe`)).text).toContain("and our newsletter");

    t.clock.set("2026-02-05T10:00:00Z");
    const res = await postForm(t, `/r/${unsubscribe}/unsubscribe`, { "List-Unsubscribe": "One-Click" }, null);
    expect(res.status).toBe(200);
    expect(res.text).toContain("nor our newsletter");
    expect(await newsletterOf(t, "ada@example.org")).toEqual({
      state: "withdrawn",
      at: new Date("2026-02-05T10:00:00Z"),
      source: "unsubscribe",
    });
  });

  it("travels in the staff JSON and the CSV export", async () => {
    const t = await createTestApp({ now: "2026-02-01T09:00:00Z" });
    const key = await t.key();
    const e = await makeEvent(t, key);
    await registerFor(t, e.slug, { name: "Ada", email: "ada@example.org", newsletter: true });
    t.clock.advance(1000);
    await registerFor(t, e.slug, { name: "Bob", email: "bob@example.org" });

    const items = (await list(t, e.slug, key)).body.data;
    expect(items.map((r: { newsletter: unknown }) => r.newsletter)).toEqual([
      { state: "requested", at: "2026-02-01T09:00:00Z", source: "api" },
      null,
    ]);
    const [header, ada, bob] = parseCsv((await csvOf(t, e.slug, key)).text);
    const column = (name: string) => header!.indexOf(name);
    expect(column("Newsletter")).toBeGreaterThan(0);
    expect([ada, bob].map((r) => r![column("Newsletter")])).toEqual(["requested", ""]);
    expect(ada![column("Newsletter changed at")]).toBe("2026-02-01T09:00:00Z");
    expect(ada![column("Newsletter source")]).toBe("api");
  });

  it("is removed by erasure", async () => {
    const t = await createTestApp();
    const e = await makeEvent(t, await t.key());
    const a = await registerAndOpenEmail(t, e.slug, "ada@example.org", { newsletter: true });
    await press(t, a.token, "confirm");
    const [before] = await t.db.select().from(attendees);
    expect(before!.newsletterState).toBe("confirmed");
    expect((await postForm(t, `/r/${a.token}/erase`, {})).status).toBe(200);
    const [row] = await t.db.select().from(attendees).where(eq(attendees.id, before!.id));
    expect(row!.erasedAt).not.toBeNull();
    expect([row!.newsletterState, row!.newsletterAt, row!.newsletterSource]).toEqual([null, null, null]);
  });
});
