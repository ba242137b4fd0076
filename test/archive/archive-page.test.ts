import { describe, expect, it } from "vitest";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

const AFTER_ALL = "2026-06-01T12:00:00Z";

/** Hrefs of the result titles, in page order. */
const resultLinks = (html: string) =>
  [...html.matchAll(/<h3><a href="\/archive\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));

const nextHref = (html: string) => {
  const m = html.match(/<a href="([^"]+)" rel="next">/);
  return m ? m[1]!.replace(/&amp;/g, "&") : null;
};

async function apiSlugs(t: TestApp, query: string) {
  const res = await t.request("GET", `/api/v1/archive?${query}`);
  expect(res.status).toBe(200);
  return res.body.data.map((e: any) => e.slug) as string[];
}

async function catalogue(t: TestApp, key: string) {
  await t.request("POST", "/api/v1/people", { key, body: { name: "Jennifer Kavanagh" } });
  await t.request("POST", "/api/v1/topics", { key, body: { name: "Ukraine\u2011Russia" } });
  await t.request("POST", "/api/v1/briefs", {
    key,
    body: { title: "The case for a ceasefire", kind: "brief" },
  });
}

describe(`the /archive page (${engine})`, () => {
  it("renders past events with date in their zone, speakers, topics, briefs and no drafts", async () => {
    const t = await createTestApp();
    const key = await t.key();
    await catalogue(t, key);
    const e = await makeEvent(t, key, {
      title: "Ukraine's critical choice",
      summary: "Peace or war <b>now</b>?",
      speakers: [{ person: "jennifer-kavanagh" }],
      topics: ["ukraine-russia"],
      briefs: [{ brief: "the-case-for-a-ceasefire" }],
      startsAt: "2026-04-16T12:00",
    });
    await makeEvent(t, key, { title: "Secret draft", startsAt: "2026-02-01T12:00" }, { publish: false });
    await makeEvent(t, key, { title: "Still to come", startsAt: "2026-07-01T12:00" });
    t.clock.set(AFTER_ALL);
    const res = await t.request("GET", "/archive");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'none'");
    const html = res.text;
    expect(resultLinks(html)).toEqual([e.slug]);
    expect(html).toContain("Thursday 16 April 2026, 12:00\u201313:00 EDT (UTC\u221204:00)");
    expect(html).toContain('<a href="/people/jennifer-kavanagh">Jennifer Kavanagh</a>');
    expect(html).toContain('<a href="/topics/ukraine-russia">Ukraine\u2011Russia</a>');
    expect(html).toContain('<a href="/briefs/the-case-for-a-ceasefire">The case for a ceasefire</a>');
    expect(html).toContain("Peace or war &lt;b&gt;now&lt;/b&gt;?");
    expect(html).not.toContain("Secret draft");
    expect(html).not.toContain("Still to come");
    expect(html).not.toContain("zoom.example.com");
    // The form: a labelled search box and labelled filters, sent with GET.
    expect(html).toContain('<search><form method="get" action="/archive"');
    expect(html).toContain('<label for="f-q">Search the archive</label>');
    expect(html).toMatch(/<input id="f-q" type="search" name="q"/);
    expect(html).toContain('<option value="ukraine-russia">Ukraine\u2011Russia</option>');
    expect(html).toContain('<option value="jennifer-kavanagh">Jennifer Kavanagh</option>');
    expect(html).toContain('<option value="2026">2026</option>');
    expect(html).toContain('<label for="f-rec">Only events with a recording</label>');
  });

  it("highlights matches with <mark>, escapes the text and keeps the query in the form", async () => {
    const t = await createTestApp();
    const key = await t.key();
    await makeEvent(t, key, {
      title: "Sanctions & <script>alert(1)</script> policy",
      description: "On sanctions against Russia.",
      startsAt: "2026-02-01T12:00",
    });
    t.clock.set(AFTER_ALL);
    const html = (await t.request("GET", `/archive?q=${encodeURIComponent('<policy> "sanct')}`)).text;
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toMatch(/<p class="snippet">[\s\S]*<mark>Sanctions<\/mark>/);
    expect(html).toContain('value="&lt;policy&gt; &quot;sanct"');
  });

  it("shows the same results as the API for the same query, page by page", async () => {
    const t = await createTestApp();
    const key = await t.key();
    await catalogue(t, key);
    for (let i = 0; i < 7; i++) {
      await makeEvent(t, key, {
        title: i % 2 ? `Ceasefire talks, round ${i}` : `Ceasefire monitoring and ceasefire lines ${i}`,
        topics: i < 5 ? ["ukraine-russia"] : [],
        startsAt: `2026-02-0${i + 1}T12:00`,
      });
    }
    t.clock.set(AFTER_ALL);
    for (const query of [
      "limit=3",
      "q=ceasef&limit=3",
      "q=ceasefire&topic=ukraine-russia&year=2026&limit=2",
    ]) {
      let page = `/archive?${query}`;
      let api = query;
      const seen: string[] = [];
      for (let n = 0; n < 10; n++) {
        const html = (await t.request("GET", page)).text;
        const res = await t.request("GET", `/api/v1/archive?${api}`);
        expect(resultLinks(html), `${page}`).toEqual(res.body.data.map((e: any) => e.slug));
        seen.push(...resultLinks(html));
        const next = nextHref(html);
        expect(next === null, page).toBe(res.body.nextCursor === null);
        if (!next) break;
        expect(new URL(next, "https://x").searchParams.get("cursor")).toBe(res.body.nextCursor);
        page = next;
        api = next.slice("/archive?".length);
      }
      expect(seen.sort()).toEqual((await apiSlugs(t, `${query.replace(/limit=\d/, "limit=100")}`)).sort());
    }
  });

  it("answers bad parameters with the form and the problem, not a 500", async () => {
    const t = await createTestApp();
    for (const query of ["year=abc", "cursor=nonsense", "format=webinar", "q=x&q=y"]) {
      const res = await t.request("GET", `/archive?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.text).toContain('role="alert"');
      expect(res.text).toContain('<label for="f-q">');
    }
    for (const q of ['"', "*", "NEAR(", "(", "AND", "-", "^"]) {
      expect((await t.request("GET", `/archive?q=${encodeURIComponent(q)}`)).status, q).toBe(200);
    }
  });
});
