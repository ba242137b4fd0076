import { createHash } from "node:crypto";

/**
 * Random identifiers and secrets; the same code runs on Node and in workerd (nodejs_compat).
 */
export interface TokenGenerator {
  /** A prefixed, sortable-enough unique id such as `evt_01jc...`. */
  id(prefix: string): string;
  /** A URL-safe random secret of the given number of bytes (default 32 = 256 bits). */
  secret(bytes?: number): string;
}

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"; // Crockford base32, lower-case

// Random bytes are drawn 4 KB at a time: a registration takes four ids and a secret, and a
// getRandomValues call costs far more than the few bytes each needs. Bytes are used once.
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolAt = POOL_SIZE;

export function randomBase32(chars: number): string {
  let out = "";
  for (let i = 0; i < chars; i++) {
    if (poolAt === POOL_SIZE) {
      crypto.getRandomValues(pool);
      poolAt = 0;
    }
    out += ALPHABET[pool[poolAt++]! & 31];
  }
  return out;
}

export const cryptoTokens: TokenGenerator = {
  // Time prefix keeps ids roughly ordered by creation, which makes logs easier to read.
  id: (prefix) => `${prefix}_${Date.now().toString(32).padStart(9, "0")}${randomBase32(12)}`,
  secret: (bytes = 32) => randomBase32(Math.ceil((bytes * 8) / 5)),
};

/**
 * SHA-256 as hex. node:crypto (also in workerd with nodejs_compat) hashes synchronously;
 * Web Crypto's digest goes through a thread pool, which costs more than the hash itself for
 * the short tokens we hash on every registration and every token lookup.
 */
export async function sha256Hex(value: string): Promise<string> {
  return createHash("sha256").update(value).digest("hex");
}

/** Compares two strings without an early exit, so timing does not reveal the matching prefix. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
