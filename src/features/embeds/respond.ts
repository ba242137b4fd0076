import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Config } from "../../config.js";
import { notModified, notModifiedResponse } from "../../lib/conditional.js";
import { hash53 } from "../../lib/etag.js";
import type { AppEnv } from "../../lib/http.js";
import { EMBED_CSS, type Theme } from "./style.js";

/** The /embed/ paths: app.ts leaves X-Frame-Options off these, whose CSP decides framing. */
export const isEmbedPath = (path: string) => /^\/embed\/(events|topics)(\/[^/]+)?$/.test(path);

const hashes = new Map<Theme, Promise<string>>();

/** 'sha256-...' of one stylesheet variant, computed once per process (Web Crypto: both runtimes). */
function styleHash(theme: Theme): Promise<string> {
  let hash = hashes.get(theme);
  if (!hash) {
    hash = crypto.subtle.digest("SHA-256", new TextEncoder().encode(EMBED_CSS[theme])).then((d) => {
      let bin = "";
      for (const b of new Uint8Array(d)) bin += String.fromCharCode(b);
      return `'sha256-${btoa(bin)}'`;
    });
    hashes.set(theme, hash);
  }
  return hash;
}

/**
 * The embeds' CSP: nothing but our inline stylesheet and https images, and framing by the
 * origins of EMBED_ORIGINS only ('none' when it is empty: the blocks are still served, to be
 * opened directly or checked, but no page may frame them).
 */
export async function embedPolicy(config: Config, theme: Theme): Promise<string> {
  const ancestors = config.EMBED_ORIGINS.length ? config.EMBED_ORIGINS.join(" ") : "'none'";
  return [
    "default-src 'none'",
    `style-src ${await styleHash(theme)}`,
    "img-src 'self' https:",
    "base-uri 'none'",
    "form-action 'none'",
    `frame-ancestors ${ancestors}`,
  ].join("; ");
}

/**
 * Sends a block with a strong ETag of its bytes, answering If-None-Match with 304. The bytes
 * are the validator because a block changes with the passing of time (an event ends and
 * leaves it) as well as with the data; a block is a few kilobytes and a few queries, so
 * rendering it to compare costs little, and a 304 still saves the host's visitors the body.
 */
export async function sendEmbed(
  c: Context<AppEnv>,
  node: Child,
  theme: Theme,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const html = `<!doctype html>${String(await node)}`;
  const headers: Record<string, string> = {
    "Content-Type": "text/html; charset=UTF-8",
    "Content-Security-Policy": await embedPolicy(c.var.deps.config, theme),
    "Cache-Control": status === 200 ? "public, max-age=300" : "no-cache",
  };
  if (status === 200) {
    headers.ETag = `"embed-${hash53(html)}"`;
    if (notModified(c.req, { etag: headers.ETag })) return notModifiedResponse(headers);
  }
  return c.body(html, status, headers);
}
