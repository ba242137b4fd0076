import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";
import { describe } from "../../lib/validate.js";
import { allEventsCalendar, eventCalendar, personalCalendar, topicCalendar } from "./feeds.js";
import { serveCalendar } from "./respond.js";

const tags = ["Calendar"];
const ics = (description: string) =>
  describe({
    summary: description,
    description:
      "iCalendar (RFC 5545). Strong ETag and Last-Modified; answers If-None-Match / If-Modified-Since with 304; gzip when accepted",
    tags,
    responses: {
      200: { description: "The calendar", contentType: "text/calendar" },
      304: { description: "Not modified" },
      404: { description: "Not found" },
    },
  });

/**
 * Calendar feeds and downloads. Mounted before the HTML pages so that /events/{slug}.ics
 * reaches this router and not the event page's /events/{slug}.
 */
export const calendarRoutes = new Hono<AppEnv>()
  .get("/calendar.ics", ics("All published events (upcoming and the last 30 days)"), (c) =>
    serveCalendar(c, allEventsCalendar(c.var.deps)),
  )
  .get("/topics/:slug/calendar.ics", ics("A topic's events"), (c) =>
    serveCalendar(c, topicCalendar(c.var.deps, c.req.param("slug"))),
  )
  .get("/events/:file{[^/]+\\.ics}", ics("One event, as {slug}.ics"), (c) =>
    serveCalendar(c, eventCalendar(c.var.deps, c.req.param("file").slice(0, -".ics".length))),
  )
  .get("/feeds/:token/calendar.ics", ics("An attendee's own events, with personal join links"), async (c) =>
    serveCalendar(c, await personalCalendar(c.var.deps, c.req.param("token"))),
  );
