import type { Context } from "hono";
import type { Config } from "../../config.js";
import { notModified, notModifiedResponse } from "../../lib/conditional.js";
import { hash53 } from "../../lib/etag.js";
import type { AppEnv } from "../../lib/http.js";
import { notFound } from "../../lib/problem.js";
import { feedCache } from "./feed-cache.js";
import { latest } from "./feed-queries.js";
import type { CalendarSpec } from "./feeds.js";
import { ICS_RENDER_VERSION } from "./ics.js";

/**
 * The strong validator of one version of one calendar. It covers the builder's version and
 * the configuration the bytes depend on, so a deploy that changes either changes every ETag.
 */
export function calendarTag(config: Config, key: string, fingerprint: string): string {
  const basis = [
    ICS_RENDER_VERSION,
    config.PUBLIC_URL,
    config.ORG_NAME,
    config.DEFAULT_TIME_ZONE,
    key,
    fingerprint,
  ];
  return `ics-${hash53(basis.join("\n"))}`;
}

const quoted = (tag: string, gzip: boolean) => `"${tag}${gzip ? "-gzip" : ""}"`;

function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.toLowerCase().split(",")) {
    const [coding, ...params] = part.trim().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const weight = q ? Number(q.slice(2)) : 1;
    if (coding === "gzip" || coding === "x-gzip") return weight > 0;
    if (coding === "*") star = weight > 0;
  }
  return star;
}

function disposition(filename: string): string {
  const ascii = filename.replace(/[^\w.-]/g, "_");
  return ascii === filename
    ? `inline; filename="${filename}"`
    : `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Serves a calendar: one version query, then 304 (If-None-Match, or If-Modified-Since when
 * no If-None-Match is sent, as RFC 9110 orders), or the cached bytes (gzip when accepted),
 * rendering only when this version has not been rendered in this process yet. A 304 for
 * If-None-Match costs that one query and nothing else.
 */
export async function serveCalendar(c: Context<AppEnv>, spec: CalendarSpec): Promise<Response> {
  const { config, db } = c.var.deps;
  const version = await spec.version();
  if (!version) throw notFound(spec.what);
  const cache = feedCache(db);
  const tag = calendarTag(config, spec.key, version.fingerprint);
  const gzip = !c.var.deps.platformCompression && acceptsGzip(c.req.header("accept-encoding"));
  const headers: Record<string, string> = {
    "Content-Type": "text/calendar; charset=utf-8",
    "Cache-Control": spec.cacheControl,
    Vary: "Accept-Encoding",
    ETag: quoted(tag, gzip),
  };
  const lastModified = async () => {
    const at = await cache.lastModified(spec.key, version.fingerprint, async () =>
      latest(version.last, await spec.departed()),
    );
    if (at !== null) headers["Last-Modified"] = new Date(at).toUTCString();
    return at;
  };

  // Either coding of the same version matches. Last-Modified is computed (and sent on the 304)
  // only when If-Modified-Since decides: with If-None-Match the ETag is the validator (§15.4.5).
  const etag = [quoted(tag, false), quoted(tag, true)];
  if (await notModified(c.req, { etag, lastModified })) return notModifiedResponse(headers);

  let entry = cache.get(spec.key, version.fingerprint);
  if (!entry) {
    entry = await cache.render(spec.key, version.fingerprint, () => spec.render());
    if (entry.fingerprint === "gone") throw notFound(spec.what);
  }
  if (entry.fingerprint === version.fingerprint) await lastModified();
  else {
    // The data moved on between the two reads: the bytes are newer than these validators.
    delete headers.ETag;
    delete headers["Last-Modified"];
  }
  headers["Content-Disposition"] = disposition(spec.filename);
  if (!gzip) return new Response(entry.body as BodyInit, { status: 200, headers });
  headers["Content-Encoding"] = "gzip";
  // In workerd, "manual" sends the bytes as they are instead of compressing them again.
  const init = { status: 200, headers, encodeBody: "manual" } as ResponseInit;
  return new Response((await cache.gzip(spec.key, entry)) as BodyInit, init);
}
