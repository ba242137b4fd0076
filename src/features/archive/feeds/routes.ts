import { type Context, Hono } from "hono";
import { notModified, notModifiedResponse } from "../../../lib/conditional.js";
import { hash53 } from "../../../lib/etag.js";
import type { AppEnv } from "../../../lib/http.js";
import { notFound } from "../../../lib/problem.js";
import { feedCache } from "../../calendar/index.js";
import { feedVersion, findFeedTopic, loadFeedItems } from "./queries.js";
import { FEED_RENDER_VERSION, type FeedMeta, renderJsonFeed, renderRss } from "./render.js";

/**
 * /archive/feed.{xml,json} and /topics/{slug}/feed.{xml,json}, served like the calendars
 * (calendar/respond.ts): one version query per request, a strong ETag from it, 304 on
 * If-None-Match, and bytes rendered once per content version (the calendars' FeedCache,
 * under keys of their own).
 */

type Format = "rss" | "json";
const TYPES: Record<Format, string> = {
  rss: "application/rss+xml; charset=utf-8",
  json: "application/feed+json; charset=utf-8",
};

async function serveFeed(c: Context<AppEnv>, format: Format, topicSlug?: string): Promise<Response> {
  const { db, config, clock } = c.var.deps;
  const now = clock.now();
  if (topicSlug !== undefined && topicSlug.length > 100) throw notFound("Topic");
  const version = await feedVersion(db, now, topicSlug);
  if (!version) throw notFound("Topic");
  const key = `archive-${format}:${topicSlug ?? "*"}`;
  // The bytes also depend on the renderer and on the configuration they print.
  const basis = [FEED_RENDER_VERSION, config.PUBLIC_URL, config.ORG_NAME, key, version.fingerprint];
  const etag = `"feed-${hash53(basis.join("\n"))}"`;
  const headers: Record<string, string> = {
    "Content-Type": TYPES[format],
    "Cache-Control": "public, max-age=300",
    ETag: etag,
  };
  if (notModified(c.req, { etag })) return notModifiedResponse(headers);

  const cache = feedCache(db);
  const entry =
    cache.get(key, version.fingerprint) ??
    (await cache.render(key, version.fingerprint, async () => {
      const base = config.PUBLIC_URL;
      const topic = topicSlug ? await findFeedTopic(db, topicSlug) : undefined;
      if (topicSlug && !topic) return { body: "", fingerprint: "gone" };
      const items = await loadFeedItems(db, now, topic?.id);
      const meta: FeedMeta = topic
        ? {
            title: `${config.ORG_NAME}: ${topic.name} (recordings)`,
            description: `New recordings of ${config.ORG_NAME} events on ${topic.name}.`,
            homePage: `${base}/topics/${encodeURIComponent(topic.slug)}`,
            selfBase: `${base}/topics/${encodeURIComponent(topic.slug)}/feed`,
          }
        : {
            title: `${config.ORG_NAME}: event recordings`,
            description: `New recordings of past ${config.ORG_NAME} events.`,
            homePage: `${base}/archive`,
            selfBase: `${base}/archive/feed`,
          };
      const body = format === "rss" ? renderRss(config, meta, items) : renderJsonFeed(config, meta, items);
      return { body, fingerprint: version.fingerprint };
    }));
  if (entry.fingerprint === "gone") throw notFound("Topic");
  return new Response(entry.body as BodyInit, { status: 200, headers });
}

export const feedRoutes = new Hono<AppEnv>()
  .get("/archive/feed.xml", (c) => serveFeed(c, "rss"))
  .get("/archive/feed.json", (c) => serveFeed(c, "json"))
  .get("/topics/:slug/feed.xml", (c) => serveFeed(c, "rss", c.req.param("slug")))
  .get("/topics/:slug/feed.json", (c) => serveFeed(c, "json", c.req.param("slug")));
