import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../src/config.js";

describe("EMBED_ORIGINS", () => {
  it("is no origin at all when unset or empty", () => {
    expect(parseConfig({}).EMBED_ORIGINS).toEqual([]);
    expect(parseConfig({ EMBED_ORIGINS: "" }).EMBED_ORIGINS).toEqual([]);
  });

  it("reads a comma-separated list of origins, spaces and empty items aside", () => {
    const config = parseConfig({ EMBED_ORIGINS: " https://www.example.org, http://127.0.0.1:8080,," });
    expect(config.EMBED_ORIGINS).toEqual(["https://www.example.org", "http://127.0.0.1:8080"]);
  });

  it.each([
    "https://www.example.org/",
    "https://www.example.org/events",
    "www.example.org",
    "ftp://example.org",
    "https://example.org 'unsafe-inline'",
    "*",
    "https://user@example.org",
  ])("refuses %s, naming the variable", (value) => {
    expect(() => parseConfig({ EMBED_ORIGINS: value })).toThrow(ConfigError);
    expect(() => parseConfig({ EMBED_ORIGINS: value })).toThrow(/EMBED_ORIGINS: .* is not an origin/);
  });
});
