import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";

describe(`the archive search budget (${engine})`, () => {
  it("answers 429 with Retry-After once an address has spent its new searches, per /64, while cached searches still answer", async () => {
    const t = await createTestApp();
    t.deps.config.SEARCH_RATE_LIMIT = 3;
    const search = (q: string, from: string, page = false) =>
      t.request("GET", `${page ? "" : "/api/v1"}/archive?q=${encodeURIComponent(q)}`, {
        headers: { "x-forwarded-for": from },
      });
    t.deps.config.TRUST_PROXY = true;
    const a = "2001:db8:1:2::1";
    expect((await search("ukraine", a)).status).toBe(200);
    expect((await search("russia", "2001:db8:1:2::99")).status).toBe(200);
    expect((await search("nato", a)).status).toBe(200);
    // The fourth new search from the same /64 is refused; a repeat of a cached one is not.
    const refused = await search("china", "2001:db8:1:2:ffff::7");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await search("Ukraine.", a)).status).toBe(200);
    const page = await search("iran", a, true);
    expect(page.status).toBe(429);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain("Too many searches");
    // Another /64, and the next minute, have their own budgets.
    expect((await search("china", "2001:db8:1:3::1")).status).toBe(200);
    t.clock.advance(60_000);
    expect((await search("iran", a)).status).toBe(200);
  });
});
