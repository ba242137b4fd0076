import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../../../lib/http.js";
import { Problem } from "../../../lib/problem.js";
import { pageHeaders } from "../../../web/guards.js";
import { notFoundPage, sendPage } from "../../../web/layout.js";
import { getBrief, getBriefView, listBriefs } from "../../briefs/index.js";
import { findEventWithRelations } from "../../events/index.js";
import { findPerson } from "../../people/index.js";
import { findTopic, listTopics } from "../../topics/index.js";
import { feedRoutes } from "../feeds/index.js";
import { BriefPage, PersonPage, TopicPage, TopicsPage } from "./catalog-view.js";
import { PLAYER_ORIGINS } from "./embed.js";
import { ArchiveEntryPage } from "./entry-view.js";
import { isPast, personEvents, publishedRecordings, relatedCard, topicEvents } from "./queries.js";
import { moreOnThisTopic, type RelatedEvent, relatedEventsForBrief } from "./related.js";

/**
 * The page CSP of guards.tsx plus frame-src for the two players, on the archive entry only.
 * It runs outside pageHeaders, so it amends the policy pageHeaders has just set.
 */
const allowPlayers: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  const csp = c.res.headers.get("Content-Security-Policy");
  if (csp && !/frame-src/.test(csp)) {
    c.res.headers.set("Content-Security-Policy", `${csp}; frame-src ${PLAYER_ORIGINS.join(" ")}`);
  }
};

const tooLong = (slug: string) => slug.length > 100;

/** Topic, person and brief pages, archive entries and the archive feeds. */
export const libraryRoutes = new Hono<AppEnv>()
  // Before /archive/:slug, which would otherwise take "feed.xml" for a slug.
  .route("/", feedRoutes)
  .get("/archive/:slug", allowPlayers, pageHeaders, async (c) => {
    const { db, config, clock } = c.var.deps;
    const slug = c.req.param("slug");
    const now = clock.now();
    const ev = tooLong(slug) ? undefined : await findEventWithRelations(db, slug);
    // Only past published events are in the archive; upcoming ones live at /events/{slug}.
    if (ev?.row.status !== "published" || !isPast(ev.row.endsAt, now))
      return notFoundPage(c, "archive entry");
    const [media, more] = await Promise.all([
      publishedRecordings(db, ev.row.id),
      moreOnThisTopic(db, ev.row.id, 5, now),
    ]);
    return sendPage(
      c,
      <ArchiveEntryPage
        ev={ev}
        recordings={media.recordings}
        chapters={media.chapters}
        more={more.map(relatedCard)}
        config={config}
        now={now}
      />,
    );
  })
  .get("/topics", pageHeaders, async (c) => {
    const { db, config } = c.var.deps;
    return sendPage(c, <TopicsPage org={config.ORG_NAME} topics={await listTopics(db)} />);
  })
  .get("/topics/:slug", pageHeaders, async (c) => {
    const { db, config, clock } = c.var.deps;
    const slug = c.req.param("slug");
    const topic = tooLong(slug) ? undefined : await findTopic(db, slug);
    if (!topic) return notFoundPage(c, "topic");
    const now = clock.now();
    const [events, briefs] = await Promise.all([
      topicEvents(db, topic.id, now),
      listBriefs(db, { topic: slug, limit: 20 }),
    ]);
    return sendPage(
      c,
      <TopicPage topic={topic} events={events} briefs={briefs.data} config={config} now={now} />,
    );
  })
  .get("/people/:slug", pageHeaders, async (c) => {
    const { db, config, clock } = c.var.deps;
    const slug = c.req.param("slug");
    const person = tooLong(slug) ? undefined : await findPerson(db, slug);
    if (!person) return notFoundPage(c, "person");
    const now = clock.now();
    const [events, briefs] = await Promise.all([
      personEvents(db, person.id, now),
      listBriefs(db, { author: slug, limit: 20 }),
    ]);
    return sendPage(
      c,
      <PersonPage person={person} events={events} briefs={briefs.data} config={config} now={now} />,
    );
  })
  .get("/briefs/:slug", pageHeaders, async (c) => {
    const { db, config, clock } = c.var.deps;
    const slug = c.req.param("slug");
    if (tooLong(slug)) return notFoundPage(c, "brief");
    let found: [Awaited<ReturnType<typeof getBriefView>>, RelatedEvent[]];
    try {
      const { id } = await getBrief(db, slug);
      found = await Promise.all([getBriefView(db, slug), relatedEventsForBrief(db, id, 10)]);
    } catch (err) {
      if (err instanceof Problem && err.status === 404) return notFoundPage(c, "brief");
      throw err;
    }
    const [brief, related] = found;
    return sendPage(
      c,
      <BriefPage brief={brief} related={related.map(relatedCard)} config={config} now={clock.now()} />,
    );
  });
