import { describe, expect, it } from "vitest";
import { capabilityToken, cryptoTokens, sha256Hex, tokenKey } from "../../src/lib/tokens.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("capability tokens and their stored keys", () => {
  it("are 48 URL-safe characters: 9 of creation time, then 192 random bits", () => {
    const token = capabilityToken(cryptoTokens);
    expect(token).toMatch(/^[0-9a-z]{48}$/);
    expect(Number.parseInt(token.slice(0, 9), 32)).toBeGreaterThan(Date.now() - 60_000);
    expect(capabilityToken(cryptoTokens)).not.toBe(token);
  });

  it("are stored under their time prefix and a SHA-256 of the whole token, never the token", async () => {
    const token = capabilityToken(cryptoTokens);
    const key = await tokenKey(token);
    expect(key).toBe(token.slice(0, 9) + (await sha256Hex(token)));
    expect(key).not.toContain(token.slice(9));
  });

  it("give keys that sort in the order the tokens were made, so new rows go at the index's end", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) {
      keys.push(await tokenKey(capabilityToken(cryptoTokens)));
      await sleep(2);
    }
    expect([...keys].sort()).toEqual(keys);
  });

  it("keep tokens made before the time prefix (39 characters) under their bare hash", async () => {
    const legacy = cryptoTokens.secret(24);
    expect(legacy).toHaveLength(39);
    expect(await tokenKey(legacy)).toBe(await sha256Hex(legacy));
  });
});
