import type { Config } from "../../config.js";
import { constantTimeEqual } from "../../lib/tokens.js";

/**
 * Personal calendar feeds' links. A feed token (an attendee's capability for
 * `/feeds/{token}/calendar.ics`, written by registrations) is stored as its SHA-256 only, so the
 * plaintext exists only in the URL handed to the attendee.
 *
 * The feed's join links must be the same bytes on every render (or no ETag could ever match),
 * so they cannot be freshly minted 'join' tokens. They are derived instead:
 * `/j/f/{registrationId}/{mac}` with mac = HMAC-SHA256(key = the stored hash of the feed
 * token, "join:" + registrationId). The server can check a mac from the stored hash alone, so
 * no server secret is needed; a join link does not reveal the feed token (a leaked link opens
 * one event, not the attendee's whole feed); rotating the feed token kills every join link
 * derived from it. Someone who can read the database could forge these links, but could read
 * the join URLs there directly anyway.
 */
export const TOKEN_RE = /^[0-9a-z]{10,80}$/;

export const feedUrl = (config: Pick<Config, "PUBLIC_URL">, token: string) =>
  `${config.PUBLIC_URL}/feeds/${token}/calendar.ics`;

/** The same address for "subscribe" buttons: calendar apps open webcal:// as a subscription. */
export const webcalUrl = (httpUrl: string) => httpUrl.replace(/^https?:/, "webcal:");

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(feedTokenHash: string): Promise<CryptoKey> {
  let key = keys.get(feedTokenHash);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(feedTokenHash),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    if (keys.size >= 1000) keys.delete(keys.keys().next().value!);
    keys.set(feedTokenHash, key);
  }
  return key;
}

/** 26 base32 characters (130 bits) of HMAC-SHA256(feed token hash, "join:" + registration id). */
export async function joinMac(feedTokenHash: string, registrationId: string): Promise<string> {
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      "HMAC",
      await hmacKey(feedTokenHash),
      new TextEncoder().encode(`join:${registrationId}`),
    ),
  );
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of mac) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

export async function feedJoinUrl(
  config: Pick<Config, "PUBLIC_URL">,
  feedTokenHash: string,
  registrationId: string,
) {
  return `${config.PUBLIC_URL}/j/f/${registrationId}/${await joinMac(feedTokenHash, registrationId)}`;
}

/** Whether `mac` was derived from one of the given (active) feed token hashes. */
export async function macMatches(hashes: string[], registrationId: string, mac: string): Promise<boolean> {
  let ok = false;
  for (const h of hashes) if (constantTimeEqual(await joinMac(h, registrationId), mac)) ok = true;
  return ok;
}
