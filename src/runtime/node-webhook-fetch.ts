import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import { isPrivateAddress } from "../features/webhooks/index.js";

/**
 * fetch for webhook sends on Node whose sockets connect only to public addresses. The check is
 * made in the socket's own lookup, on the very addresses it connects to: urlRefusal's check (at
 * create and at send) resolves the name separately, so a hostile name could answer a public
 * address to it and a private one a moment later to the connection (DNS rebinding, a TTL of 0).
 * Here there is no moment later. IP literals never reach a lookup; urlRefusal refuses private ones.
 *
 * undici (the library behind Node's own fetch, pinned at the version already in the tree) is
 * used for its Agent, whose `connect.lookup` is the only way to choose the connection's address
 * under fetch's semantics (redirect: "manual", AbortSignal, streamed bodies) that the courier
 * relies on. Workers need none of this: their fetch leaves from Cloudflare's edge.
 */
export function pinnedWebhookFetch(
  resolveHost: (host: string) => Promise<string[]>,
  refused: (address: string) => boolean = isPrivateAddress,
): typeof fetch {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolveHost(hostname).then(
      (addresses) => {
        const bad = addresses.find(refused);
        if (addresses.length === 0 || bad) {
          const why = bad
            ? `resolves to ${bad}, a private, loopback or link-local address`
            : "has no address";
          const err = Object.assign(new Error(`webhook host ${hostname} ${why}`), { code: "ECONNREFUSED" });
          return callback(err, "", 0);
        }
        const all = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) (callback as (e: null, a: typeof all) => void)(null, all);
        else callback(null, all[0]!.address, all[0]!.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, "", 0),
    );
  };
  const dispatcher = new Agent({ connect: { lookup } });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undiciFetch(input as string, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
