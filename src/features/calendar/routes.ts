import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";
import { describe } from "../../lib/validate.js";
import { allEventsCalendar, eventCalendar, topicCalendar } from "./feeds.js";
import { serveCalendar } from "./respond.js";

const tags = ["Calendar"];
/** The OpenAPI description of a calendar route (registrations' personal feed uses it too). */
export const icsDescription = (description: string) =>
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
  .get("/calendar.ics", icsDescription("All published events (upcoming and the last 30 days)"), (c) =>
    serveCalendar(c, allEventsCalendar(c.var.deps)),
  )
  .get("/topics/:slug/calendar.ics", icsDescription("A topic's events"), (c) =>
    serveCalendar(c, topicCalendar(c.var.deps, c.req.param("slug"))),
  )
  .get("/events/:file{[^/]+\\.ics}", icsDescription("One event, as {slug}.ics"), (c) =>
    serveCalendar(c, eventCalendar(c.var.deps, c.req.param("file").slice(0, -".ics".length))),
  );
