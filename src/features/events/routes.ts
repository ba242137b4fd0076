import { Hono } from "hono";
import { optionalScope } from "../../lib/access.js";
import { notModified, notModifiedResponse } from "../../lib/conditional.js";
import type { AppEnv } from "../../lib/http.js";
import { notFound, Problem } from "../../lib/problem.js";
import { IdOrSlugParam } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { findEventWithRelations, listEvents } from "./queries.js";
import { etagOf, readCache } from "./read-cache.js";
import { EventListQuery, EventOut, EventPage } from "./schemas.js";
import { getEventView } from "./service.js";
import { eventView } from "./view.js";

const tags = ["Events"];
const staffNote =
  "Without a key: published and cancelled events only. With an events:read key: drafts and private fields too";
const invalid = { 422: { description: "Invalid input; errors[] names each field" } };
const missing = { 404: { description: "No such event" } };

export const eventRoutes = new Hono<AppEnv>()
  .get(
    "/events",
    describe({
      summary: "List events",
      description: staffNote,
      tags,
      responses: { 200: { description: "A page of events", schema: EventPage }, ...invalid },
    }),
    optionalScope("events:read"),
    validate("query", EventListQuery),
    async (c) => {
      const { deps } = c.var;
      const q = c.req.valid("query");
      const staff = Boolean(c.get("principal"));
      if (q.status && !staff) {
        throw new Problem({
          status: 401,
          kind: "unauthorized",
          title: "Unauthorized",
          detail: "Filtering by status needs an events:read key.",
        });
      }
      const statuses = q.status
        ? [q.status]
        : staff
          ? (["draft", "published", "cancelled"] as const)
          : (["published", "cancelled"] as const);
      const page = await listEvents(deps.db, { ...q, statuses: [...statuses], now: deps.clock.now() });
      return c.json({
        data: page.items.map((e) => eventView(e.row, e.rel, deps.config, staff)),
        nextCursor: page.nextCursor,
      });
    },
  )
  .get(
    "/events/:idOrSlug",
    describe({
      summary: "Read an event",
      description: `${staffNote}. Public answers carry an ETag and answer If-None-Match with 304`,
      tags,
      responses: {
        200: { description: "The event", schema: EventOut },
        304: { description: "Not modified" },
        ...missing,
      },
    }),
    optionalScope("events:read"),
    validate("param", IdOrSlugParam),
    async (c) => {
      const { deps } = c.var;
      const { idOrSlug } = c.req.valid("param");
      if (c.get("principal")) return c.json(await getEventView(deps, idOrSlug, true));
      const cache = readCache(deps.db);
      const version = await cache.version(idOrSlug);
      if (!version || version.status === "draft") throw notFound(`Event ${idOrSlug}`);
      const etag = etagOf(version);
      if (notModified(c.req, { etag })) return notModifiedResponse({ ETag: etag });
      let body = cache.get(version.id, version.revision);
      if (!body) {
        const found = await findEventWithRelations(deps.db, version.id);
        if (!found || found.row.status === "draft") throw notFound(`Event ${idOrSlug}`);
        body = JSON.stringify(eventView(found.row, found.rel, deps.config, false));
        // Cache under the revision the rendered data had, which may be newer than `version`.
        cache.set(version.id, found.row.revision, body);
        if (found.row.revision !== version.revision)
          return c.body(body, 200, { "Content-Type": "application/json" });
      }
      return c.body(body, 200, { "Content-Type": "application/json", ETag: etag });
    },
  );
