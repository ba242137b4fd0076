import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";

const sha256Base64 = async (text: string) => {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return btoa(String.fromCharCode(...new Uint8Array(digest)));
};

describe(`the /docs page (${engine})`, () => {
  it("has a CSP that loads nothing, runs no script, admits only its own style by hash and cannot be framed", async () => {
    const t = await createTestApp();
    const res = await t.request("GET", "/docs");
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.text).not.toMatch(/<script/i);
    // The style the page carries is the one the policy admits (a changed style without a new
    // hash would render unstyled in browsers: this catches it).
    const styles = [...res.text.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    expect(csp).toContain(`style-src 'sha256-${await sha256Base64(styles[0]!)}'`);
  });
});
