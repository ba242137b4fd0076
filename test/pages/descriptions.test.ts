import { describe, expect, it } from "vitest";
import { markdownToText } from "../../src/lib/markdown.js";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

const DESCRIPTION = [
  "Bring a laptop with `pip install convene` done, and **read** the *brief* first.",
  "",
  "- Opening remarks",
  "- Q&A with [the panel](https://example.org/panel?a=1&b=2)",
].join("\n");

const ATTACK = [
  "<script>alert(1)</script> and <img src=x onerror=alert(2)>",
  "",
  "[click me](javascript:alert(3)) or [this one](JAVASCRIPT:alert(4)) or [data](data:text/html,x)",
  '**<a href="javascript:alert(5)">bold</a>**',
].join("\n");

/** The pages that show a description: the event page and, once it is past, its archive entry. */
async function pagesOf(t: TestApp, description: string, summary: string) {
  const key = await t.key();
  const e = await makeEvent(t, key, { startsAt: "2025-09-01T12:00", description, summary });
  const event = await t.request("GET", `/events/${e.slug}`);
  const entry = await t.request("GET", `/archive/${e.slug}`);
  expect([event.status, entry.status]).toEqual([200, 200]);
  const ics = await t.request("GET", `/events/${e.slug}.ics`);
  return { event: event.text, entry: entry.text, ics: ics.text.replace(/\r\n[ \t]/g, "") };
}

describe(`event descriptions (${engine})`, () => {
  it("render their Markdown as code, strong, emphasis, lists and links on the event and archive pages", async () => {
    const t = await createTestApp();
    const pages = await pagesOf(t, DESCRIPTION, "A `hands-on` session");
    for (const html of [pages.event, pages.entry]) {
      expect(html).toContain(
        "<p>Bring a laptop with <code>pip install convene</code> done, and <strong>read</strong> the <em>brief</em> first.</p>",
      );
      expect(html).toContain(
        '<ul><li>Opening remarks</li><li>Q&amp;A with <a href="https://example.org/panel?a=1&amp;b=2" rel="nofollow noopener noreferrer">the panel</a></li></ul>',
      );
      expect(html).toContain("<p>A <code>hands-on</code> session</p>");
      expect(html).not.toContain("`");
    }
  });

  it("are plain text without the marks in calendar invitations", async () => {
    const t = await createTestApp();
    const { ics } = await pagesOf(t, DESCRIPTION, "A `hands-on` session");
    const description = ics.split("\r\n").find((l) => l.startsWith("DESCRIPTION:"))!;
    expect(description).toContain("A hands-on session");
    expect(description).toContain(
      "Bring a laptop with pip install convene done\\, and read the brief first.",
    );
    expect(description).toContain("- Q&A with the panel (https://example.org/panel?a=1&b=2)");
    expect(description).not.toMatch(/[`*]/);
  });

  it("never let an attacker's HTML or javascript: link through", async () => {
    const t = await createTestApp();
    const pages = await pagesOf(t, ATTACK, '<img src=x onerror="alert(6)"> [x](javascript:alert(7))');
    for (const html of [pages.event, pages.entry]) {
      const main = html.slice(html.indexOf("<main"), html.indexOf("</main>"));
      expect(main).not.toMatch(/<script|<img|<a href="javascript|href="data:/i);
      expect(main).not.toMatch(/<[^>]+\sonerror=/i);
      expect(main).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      // The words of a refused link stay; its target goes.
      expect(main).toContain(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; and &lt;img src=x onerror=alert(2)&gt;",
      );
      expect(main).toContain("click me or this one or data");
      expect(main).not.toMatch(/href="\s*javascript|alert\(3\)|alert\(4\)|alert\(7\)/i);
    }
  });
});

describe("markdownToText", () => {
  it("keeps lines, numbered lists and words whose underscores are not emphasis", () => {
    expect(markdownToText("snake_case_name and 2 * 3 * 4\n1. one\n2. _two_")).toBe(
      "snake_case_name and 2 * 3 * 4\n\n1. one\n2. two",
    );
    expect(markdownToText("Unclosed `code and **bold")).toBe("Unclosed `code and **bold");
  });
});
