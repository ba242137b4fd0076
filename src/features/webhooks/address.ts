import type { Deps } from "../../deps.js";

/**
 * Where a webhook may go. A staff member (or a stolen key) must not make the server call into
 * the institute's own network (SSRF): https only, and no private, loopback, link-local or
 * unique-local address, whether written in the URL or what its name resolves to (on Node, by
 * `deps.resolveHost`; checked again at every send, as DNS answers change). Workers cannot resolve
 * names, and their fetch leaves from Cloudflare's edge, outside any private network.
 * WEBHOOK_ALLOW_PRIVATE=true lifts all of it, http included, for development.
 */

function privateV4(a: number[]): boolean {
  const [x, y] = a as [number, number];
  return (
    x === 0 ||
    x === 10 ||
    x === 127 ||
    (x === 100 && y >= 64 && y < 128) ||
    (x === 169 && y === 254) ||
    (x === 172 && y >= 16 && y < 32) ||
    (x === 192 && y === 168) ||
    x >= 224
  );
}

function v4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

/** Whether an address (IPv4 or IPv6 text, brackets allowed) is not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const host = address.replace(/^\[|\]$/g, "").toLowerCase();
  const four = v4(host);
  if (four) return privateV4(four);
  if (!host.includes(":")) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped) return privateV4(v4(mapped[1]!) ?? [0]);
  // Written out, a hex-form mapped address (::ffff:7f00:1) is private too: refuse the whole range.
  if (host.startsWith("::ffff:")) return true;
  if (host === "::" || host === "::1") return true;
  const first = Number.parseInt(host.split(":")[0] || "0", 16);
  return (first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80 || (first & 0xff00) === 0xff00;
}

/** Why a URL may not receive webhooks, or null when it may. */
export async function urlRefusal(
  deps: Pick<Deps, "config" | "resolveHost">,
  raw: string,
): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  const allow = deps.config.WEBHOOK_ALLOW_PRIVATE;
  if (url.protocol !== "https:" && !(allow && url.protocol === "http:")) return "must be an https:// URL";
  if (url.username || url.password) return "must not carry credentials";
  if (allow) return null;
  // A fully qualified name ("localhost.", "intranet.") is the same host as without its dot.
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (host === "localhost" || host.endsWith(".localhost") || isPrivateAddress(host)) {
    return "must not point to a private, loopback or link-local address (WEBHOOK_ALLOW_PRIVATE)";
  }
  if (deps.resolveHost && !v4(host) && !host.startsWith("[")) {
    let addresses: string[];
    try {
      addresses = await deps.resolveHost(host);
    } catch {
      return "has a host name that does not resolve";
    }
    if (addresses.some(isPrivateAddress)) {
      return "resolves to a private, loopback or link-local address (WEBHOOK_ALLOW_PRIVATE)";
    }
  }
  return null;
}
