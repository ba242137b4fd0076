import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { catalogue, JOIN, jsonLd, ORIGIN, postForm } from "../support/pages.js";
import { registerFor } from "../support/registrations.js";

describe(`public pages (${engine})`, () => {
  it("lists upcoming published events with their local time and a link, and nothing else", async () => {
    const t = await createTestApp();
    const key = await t.key();
    await makeEvent(t, key, { title: "Upcoming webinar", summary: "An hour on Ukraine." });
    await makeEvent(t, key, { title: "Secret draft" }, { publish: false });
    await makeEvent(t, key, { title: "Long gone", startsAt: "2025-12-01T12:00" });
    const res = await t.request("GET", "/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.text).toMatch(/^<!doctype html><html lang="en">/);
    expect(res.text).toContain('href="/events/upcoming-webinar"');
    expect(res.text).toContain("Thursday 16 April 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
    expect(res.text).toContain("An hour on Ukraine.");
    expect(res.text).not.toContain("Secret draft");
    expect(res.text).not.toContain("Long gone");
    expect(res.text).not.toContain(JOIN);
  });

  it("shows the event: local time with offset, format, speakers, topics, briefs, seats and the form", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const c = await catalogue(t, key);
    const e = await makeEvent(t, key, {
      capacity: 10,
      speakers: [{ person: c.person }],
      topics: [c.topic],
      briefs: [{ brief: c.brief }],
      questions: [{ id: "affiliation", label: "Affiliation", type: "short_text", required: true }],
    });
    expect((await registerFor(t, e.slug, { answers: { affiliation: "X" } })).status).toBe(202);
    const res = await t.request("GET", `/events/${e.slug}`);
    expect(res.status).toBe(200);
    const html = res.text;
    expect(html).toContain("<h1>Ukraine&#39;s critical choice: Pursue peace or fight on</h1>");
    expect(html).toContain("Thursday 16 April 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
    expect(html).toContain('datetime="2026-04-16T12:00:00-04:00"');
    expect(html).toContain("Online");
    expect(html).toContain("Jennifer Kavanagh</strong>, Director of Military Analysis");
    expect(html).toContain("Ukraine-Russia");
    expect(html).toContain('<a href="https://example.org/ceasefire">The case for a ceasefire</a>');
    // Whether seats are free, never how many: a count would tell whether a submitted address was new.
    expect(html).toContain("Seats available");
    expect(html).not.toContain("9 seats");
    expect(html).toContain(`action="/events/${e.slug}/register"`);
    expect(html).toContain('<label for="f-answers-affiliation">Affiliation');
    expect(html).toMatch(/<input type="text" id="f-website" name="website" tabindex="-1"/);
    expect(html).toContain('class="hp" aria-hidden="true"');
    expect(html).toMatch(/<a class="skip" href="#main">/);
    for (const landmark of ["<header", "<nav", "<main", "<footer"]) expect(html).toContain(landmark);
    expect(html).not.toContain(JOIN);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(html).not.toMatch(/<script(?! type="application\/ld\+json")/);
    expect(html).not.toMatch(/ style=/);
  });

  it("carries schema.org JSON-LD with the attendance mode, status and the public page as location", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const virtual = await makeEvent(t, key, { title: "Virtual" });
    const hybrid = await makeEvent(t, key, { title: "Hybrid", format: "hybrid", venue: "1 Main St" });
    const inPerson = await makeEvent(t, key, { title: "In person", format: "in_person", venue: "1 Main St" });
    const cancelled = await makeEvent(t, key, { title: "Called off" });
    await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key });

    const v = jsonLd((await t.request("GET", `/events/${virtual.slug}`)).text);
    expect(v).toMatchObject({
      "@context": "https://schema.org",
      "@type": "Event",
      name: "Virtual",
      startDate: "2026-04-16T12:00:00-04:00",
      eventAttendanceMode: "https://schema.org/OnlineEventAttendanceMode",
      eventStatus: "https://schema.org/EventScheduled",
      location: { "@type": "VirtualLocation", url: `${ORIGIN}/events/${virtual.slug}` },
    });
    const h = jsonLd((await t.request("GET", `/events/${hybrid.slug}`)).text);
    expect(h.eventAttendanceMode).toBe("https://schema.org/MixedEventAttendanceMode");
    expect(h.location[0].url).toBe(`${ORIGIN}/events/${hybrid.slug}`);
    const p = jsonLd((await t.request("GET", `/events/${inPerson.slug}`)).text);
    expect(p.eventAttendanceMode).toBe("https://schema.org/OfflineEventAttendanceMode");
    expect(p.location).toMatchObject({ "@type": "Place", name: "1 Main St" });
    const x = jsonLd((await t.request("GET", `/events/${cancelled.slug}`)).text);
    expect(x.eventStatus).toBe("https://schema.org/EventCancelled");
    for (const d of [v, h, p, x]) expect(JSON.stringify(d)).not.toContain(JOIN);
  });

  it("escapes markup in titles, also inside the JSON-LD", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const title = `Talk </script><script>alert("x")</script> & <b>more</b>`;
    const e = await makeEvent(t, key, { title, slug: "escaping" });
    const res = await t.request("GET", `/events/${e.slug}`);
    expect(res.text).not.toContain("<script>alert");
    expect(res.text).not.toContain("<b>more");
    expect(res.text).toContain("\\u003c/script\\u003e");
    expect(jsonLd(res.text).name).toBe(title);
  });

  it("answers drafts and unknown events with an HTML 404 page", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const draft = await makeEvent(t, key, { title: "Draft" }, { publish: false });
    for (const path of [`/events/${draft.slug}`, "/events/no-such-event"]) {
      const res = await t.request("GET", path);
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(res.text).toContain("<h1>Not found</h1>");
      expect(res.text).not.toContain("Draft");
    }
    const post = await postForm(t, `/events/${draft.slug}/register`, { name: "A", email: "a@example.org" });
    expect(post.status).toBe(404);
  });

  it("explains each closed state instead of showing the form", async () => {
    const t = await createTestApp({ now: "2026-03-01T12:00:00Z" });
    const key = await t.key();
    const past = await makeEvent(t, key, { title: "Past", startsAt: "2026-02-01T12:00" });
    const notOpen = await makeEvent(t, key, { title: "Not open", registrationOpensAt: "2026-03-10T09:00" });
    const closed = await makeEvent(t, key, { title: "Closed", registrationClosesAt: "2026-02-28T09:00" });
    const cancelled = await makeEvent(t, key, { title: "Cancelled" });
    await t.request("POST", `/api/v1/events/${cancelled.slug}/cancel`, { key });
    const full = await makeEvent(t, key, { title: "Full", capacity: 1, waitlist: false });
    const queue = await makeEvent(t, key, { title: "Queue", capacity: 1, waitlist: true });
    await registerFor(t, full.slug);
    await registerFor(t, queue.slug);

    const page = async (slug: string) => (await t.request("GET", `/events/${slug}`)).text;
    const expectations: [string, string][] = [
      [past.slug, "This event has already taken place"],
      [notOpen.slug, "It opens on Tuesday 10 March 2026, 09:00 EDT (UTC\u221204:00)."],
      [closed.slug, "Registration for this event has closed."],
      [cancelled.slug, "This event was cancelled, so registration is closed."],
      [full.slug, "no waitlist, so registration is closed"],
    ];
    for (const [slug, text] of expectations) {
      const html = await page(slug);
      expect(html).toContain(text);
      expect(html).not.toContain("<form");
    }
    const q = await page(queue.slug);
    expect(q).toContain("All seats are taken: waitlist open");
    expect(q).toContain("<form");

    const posted = await postForm(t, `/events/${closed.slug}/register`, {
      name: "Late",
      email: "late@example.org",
      consent: "yes",
    });
    expect(posted.status).toBe(409);
    expect(posted.text).toContain("Registration for this event has closed.");
    const fullPost = await postForm(t, `/events/${full.slug}/register`, {
      name: "Late",
      email: "late@example.org",
      consent: "yes",
    });
    expect(fullPost.status).toBe(409);
    expect(fullPost.text).toContain("no waitlist");
  });

  it("serves its own stylesheet with a long cache", async () => {
    const t = await createTestApp();
    const home = await t.request("GET", "/");
    const href = home.text.match(/<link rel="stylesheet" href="([^"]+)"/)?.[1];
    expect(href).toMatch(/^\/assets\/site\.css\?v=[0-9a-f]{8}$/);
    const css = await t.request("GET", href!);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(css.text).toContain(":focus-visible");
  });
});
