import { describe, expect, it } from "vitest";
import { searchCacheKey } from "../../src/features/archive/search/cache.js";

const now = new Date("2026-06-01T12:00:00Z");
const key = (q: string | undefined, extra: Record<string, unknown> = {}) =>
  searchCacheKey("3.1.2", { q, limit: 20, now, ...extra });

describe("the archive search cache key", () => {
  it("is the same for queries the search reads the same way: case and punctuation", () => {
    expect(key("Ukraine.")).toBe(key("ukraine"));
    expect(key("ukraine!!")).toBe(key("ukraine"));
    expect(key("  UKRAINE  ")).toBe(key("ukraine"));
    expect(key("!!!")).toBe(key(undefined));
  });

  it("differs when the search differs: other terms, filters, pages or archive versions", () => {
    expect(key("ukraine war")).not.toBe(key("ukraine"));
    expect(key("ukraine", { topic: "russia" })).not.toBe(key("ukraine"));
    expect(key("ukraine", { cursor: "abc" })).not.toBe(key("ukraine"));
    expect(searchCacheKey("3.1.3", { q: "ukraine", limit: 20, now })).not.toBe(key("ukraine"));
  });
});
