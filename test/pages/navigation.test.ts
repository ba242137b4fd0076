import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

// Issue 15: the header linked only "Upcoming events"; a visitor must reach every kind of page
// from every page.
describe(`the site header (${engine})`, () => {
  it("links upcoming events, the archive and the topics from every public page; /topics lists each topic", async () => {
    const t = await createTestApp();
    const key = await t.key();
    for (const name of ["Ukraine-Russia", "China"])
      expect((await t.request("POST", "/api/v1/topics", { key, body: { name } })).status).toBe(201);
    const e = await makeEvent(t, key, { topics: ["ukraine-russia"] });
    const topics = await t.request("GET", "/topics");
    expect(topics.status).toBe(200);
    expect(topics.text).toContain('<a href="/topics/china">China</a>');
    expect(topics.text).toContain('<a href="/topics/ukraine-russia">Ukraine-Russia</a>');
    for (const path of ["/", "/archive", "/topics", "/topics/ukraine-russia", `/events/${e.slug}`]) {
      const page = await t.request("GET", path);
      expect(page.status, path).toBe(200);
      for (const href of ['href="/"', 'href="/archive"', 'href="/topics"'])
        expect(page.text, path).toContain(href);
    }
  });
});
