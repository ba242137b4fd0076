import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";
import { describe, validate } from "../../lib/validate.js";
import { recordedEvents } from "../archive/index.js";
import { findEventWithRelations, listEvents } from "../events/index.js";
import { findTopic } from "../topics/index.js";
import { OembedOut, OembedQuery, oembedFor } from "./oembed.js";
import { sendEmbed } from "./respond.js";
import type { Theme } from "./style.js";
import { EmbedNotFound, EventCardBlock, EventsBlock } from "./view.js";

const tags = ["Embeds"];
const ThemeParam = z
  .enum(["auto", "light", "dark"])
  .default("auto")
  .describe("auto follows the reader's prefers-color-scheme");
const CardQuery = z.object({ theme: ThemeParam });
const ListQuery = z.object({
  theme: ThemeParam,
  limit: z.coerce.number().int().min(1).max(20).default(5).describe("Upcoming events shown"),
  recordings: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe("Recent recordings shown below them"),
});

const html = (what: string) =>
  describe({
    summary: what,
    description:
      "A script-free HTML block for an iframe on another site: framing allowed for the origins in EMBED_ORIGINS only (CSP frame-ancestors). Strong ETag; answers If-None-Match with 304",
    tags,
    responses: {
      200: { description: "The block", contentType: "text/html" },
      304: { description: "Not modified" },
      404: { description: "Not found (an HTML block saying so)", contentType: "text/html" },
    },
  });

const tooLong = (slug: string) => slug.length > 100;

async function eventsBlock(c: Context<AppEnv>, q: z.infer<typeof ListQuery>, topicSlug?: string) {
  const { db, config, clock } = c.var.deps;
  const now = clock.now();
  const theme: Theme = q.theme;
  const topic = topicSlug === undefined || tooLong(topicSlug) ? undefined : await findTopic(db, topicSlug);
  if (topicSlug !== undefined && !topic)
    return sendEmbed(c, <EmbedNotFound what="topic" config={config} theme={theme} />, theme, 404);
  const [page, recordings] = await Promise.all([
    listEvents(db, { when: "upcoming", statuses: ["published"], topic: topic?.slug, now, limit: q.limit }),
    q.recordings ? recordedEvents(db, now, q.recordings, topic?.id) : null,
  ]);
  const more = topic
    ? {
        href: `${config.PUBLIC_URL}/topics/${encodeURIComponent(topic.slug)}`,
        label: `All events on ${topic.name}`,
      }
    : { href: `${config.PUBLIC_URL}/`, label: "See all events" };
  return sendEmbed(
    c,
    <EventsBlock
      heading={topic ? `Events on ${topic.name}` : "Upcoming events"}
      events={page.items}
      recordings={recordings}
      more={more}
      config={config}
      now={now}
      theme={theme}
    />,
    theme,
  );
}

/** The embeddable blocks and the oEmbed endpoint that points CMSs at them. */
export const embedRoutes = new Hono<AppEnv>()
  .get("/embed/events", html("Upcoming events, as a block to embed"), validate("query", ListQuery), (c) =>
    eventsBlock(c, c.req.valid("query")),
  )
  .get(
    "/embed/topics/:slug",
    html("A topic's upcoming events, as a block to embed"),
    validate("query", ListQuery),
    (c) => eventsBlock(c, c.req.valid("query"), c.req.param("slug")),
  )
  .get(
    "/embed/events/:slug",
    html("One event's card (upcoming, or past with its archive entry), as a block to embed"),
    validate("query", CardQuery),
    async (c) => {
      const { db, config, clock } = c.var.deps;
      const { theme } = c.req.valid("query");
      const slug = c.req.param("slug");
      const ev = tooLong(slug) ? undefined : await findEventWithRelations(db, slug);
      if (!ev || ev.row.status === "draft")
        return sendEmbed(c, <EmbedNotFound what="event" config={config} theme={theme} />, theme, 404);
      return sendEmbed(c, <EventCardBlock ev={ev} config={config} now={clock.now()} theme={theme} />, theme);
    },
  )
  .get(
    "/oembed",
    describe({
      summary: "oEmbed for an event page or archive entry",
      description:
        "oEmbed 1.0: a rich answer whose html is an iframe of the event's card, within maxwidth and maxheight. Event and archive pages link here (rel=alternate, application/json+oembed)",
      tags,
      responses: {
        200: { description: "The oEmbed answer", schema: OembedOut },
        404: { description: "Not a published event page or archive entry of this site" },
        501: { description: "format=xml: only JSON is implemented" },
      },
    }),
    validate("query", OembedQuery),
    async (c) => {
      const { db, config, clock } = c.var.deps;
      const q = c.req.valid("query");
      if (q.format !== "json") {
        throw new Problem({
          status: 501,
          kind: "not-implemented",
          title: "Not implemented",
          detail: "Only format=json is implemented.",
        });
      }
      const answer = await oembedFor(db, config, clock.now(), q);
      return c.json(answer, 200, { "Cache-Control": "public, max-age=3600" });
    },
  );
