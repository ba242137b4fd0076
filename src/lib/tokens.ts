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

const TIME_CHARS = 9;

/**
 * The creation time (ms) as 9 base32 characters, which sort in time order. Ids and capability
 * tokens start with it so that new rows go in at the right edge of their key's index: a random
 * key puts each new row on a random page, which the next COMMIT must write out.
 */
export const timePrefix = () => Date.now().toString(32).padStart(TIME_CHARS, "0");

export const cryptoTokens: TokenGenerator = {
  id: (prefix) => `${prefix}_${timePrefix()}${randomBase32(12)}`,
  secret: (bytes = 32) => randomBase32(Math.ceil((bytes * 8) / 5)),
};

/** A SHA-256 implementation returning lower-case hex. */
export type Sha256 = (value: string) => string | Promise<string>;

/** Byte -> two hex digits, once: per-byte toString(16).padStart was most of a Worker's hashing. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
const encoder = new TextEncoder();

const webCryptoSha256: Sha256 = async (value) => {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(value)));
  let out = "";
  for (let i = 0; i < digest.length; i++) out += HEX[digest[i]!];
  return out;
};

let sha256Impl: Sha256 = webCryptoSha256;

/**
 * Lets the Node entry swap in node:crypto's synchronous hash (src/runtime/node-hash.ts): Web
 * Crypto's digest goes through a thread pool, which on Node costs more than the hash itself for
 * the short tokens hashed on every registration and token lookup. Both give the same bytes, so
 * the choice is speed only; this module itself imports no node:* module, so the Worker bundle
 * (Web Crypto) never reaches one.
 */
export function useSha256(impl: Sha256): void {
  sha256Impl = impl;
}

/** SHA-256 as hex. */
export async function sha256Hex(value: string): Promise<string> {
  return sha256Impl(value);
}

/** Random characters of a capability token: 24 bytes, 192 bits. */
const TOKEN_SECRET_BYTES = 24;
const TOKEN_LENGTH = TIME_CHARS + Math.ceil((TOKEN_SECRET_BYTES * 8) / 5);

/**
 * A new capability token (manage, join and feed links): its time prefix, then 192 random bits.
 * Only its key (tokenKey) is stored.
 */
export function capabilityToken(tokens: Pick<TokenGenerator, "secret">): string {
  return timePrefix() + tokens.secret(TOKEN_SECRET_BYTES);
}

/**
 * The key a capability token is stored and looked up under: its time prefix, then the SHA-256
 * of the whole token. Keys sort by creation like ids do (a registration's token used to land
 * on a random page of the key index: ~15 of the ~60 WAL pages a group commit of ten
 * registrations wrote). The prefix tells only when the token was made; the random part is
 * stored only as a hash. Tokens minted before the prefix (39 characters) are stored under
 * their bare hash and keep working.
 */
export async function tokenKey(token: string): Promise<string> {
  const hash = await sha256Hex(token);
  return token.length === TOKEN_LENGTH ? token.slice(0, TIME_CHARS) + hash : hash;
}

/** A new capability token and the key that is stored for it (tokenKey). */
export async function mintToken(deps: {
  tokens: Pick<TokenGenerator, "secret">;
}): Promise<{ token: string; hash: string }> {
  const token = capabilityToken(deps.tokens);
  return { token, hash: await tokenKey(token) };
}

/** Compares two strings without an early exit, so timing does not reveal the matching prefix. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
