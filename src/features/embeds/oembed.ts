import { z } from "zod";
import type { Config } from "../../config.js";
import type { Db } from "../../db/client.js";
import { notFound } from "../../lib/problem.js";
import { EMBED_FRAME, embedSnippet } from "../../web/embedding.js";
import { findEventWithRelations } from "../events/index.js";

/** oEmbed 1.0 (https://oembed.com): a CMS given one of our event or archive URLs gets a card. */

export const OembedQuery = z.object({
  url: z
    .string()
    .min(1)
    .max(2000)
    .describe("An event page (/events/{slug}) or archive entry (/archive/{slug}) URL"),
  format: z.enum(["json", "xml"]).default("json").describe("Only json is implemented (xml: 501)"),
  maxwidth: z.coerce.number().int().min(1).max(10_000).optional(),
  maxheight: z.coerce.number().int().min(1).max(10_000).optional(),
});

export const OembedOut = z.object({
  version: z.literal("1.0"),
  type: z.literal("rich"),
  title: z.string(),
  provider_name: z.string(),
  provider_url: z.string(),
  cache_age: z.number(),
  html: z.string().describe("An iframe of /embed/events/{slug}"),
  width: z.number(),
  height: z.number(),
});

/** How long a consumer may keep an answer: the card itself updates inside the frame. */
const CACHE_AGE = 3600;

/** The page of ours a URL names, or null when it is not one of our event or archive pages. */
export function ourPage(config: Config, raw: string): { kind: "event" | "archive"; slug: string } | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const base = new URL(config.PUBLIC_URL);
  if (url.origin !== base.origin) return null;
  const prefix = base.pathname.replace(/\/+$/, "");
  if (!url.pathname.startsWith(`${prefix}/`)) return null;
  const m = /^\/(events|archive)\/([^/]+)\/?$/.exec(url.pathname.slice(prefix.length));
  if (!m) return null;
  let slug: string;
  try {
    slug = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  if (slug.length > 100 || slug.endsWith(".ics")) return null;
  return { kind: m[1] === "events" ? "event" : "archive", slug };
}

/** The oEmbed answer for a published event's page, or a past one's archive entry; else 404. */
export async function oembedFor(
  db: Db,
  config: Config,
  now: Date,
  q: { url: string; maxwidth?: number; maxheight?: number },
): Promise<z.infer<typeof OembedOut>> {
  const page = ourPage(config, q.url);
  const ev = page ? await findEventWithRelations(db, page.slug) : undefined;
  const published = ev?.row.status === "published";
  const inArchive = published && ev.row.endsAt.getTime() <= now.getTime();
  if (!page || !ev || !published || (page.kind === "archive" && !inArchive))
    throw notFound("A published event page or archive entry at this URL");
  const width = Math.min(EMBED_FRAME.width, q.maxwidth ?? Number.POSITIVE_INFINITY);
  const height = Math.min(EMBED_FRAME.height, q.maxheight ?? Number.POSITIVE_INFINITY);
  return {
    version: "1.0",
    type: "rich",
    title: ev.row.title,
    provider_name: config.ORG_NAME,
    provider_url: `${config.PUBLIC_URL}/`,
    cache_age: CACHE_AGE,
    html: embedSnippet(config, ev.row, { width, height }),
    width,
    height,
  };
}
