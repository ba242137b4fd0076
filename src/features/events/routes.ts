import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";
import { IdOrSlugParam } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { actorOf, optionalScope, requireScope } from "../auth/middleware.js";
import { listEvents, loadRelations } from "./queries.js";
import { EventCreate, EventListQuery, EventOut, EventPage, EventReschedule, EventUpdate } from "./schemas.js";
import { createEvent, deleteEvent, getEventView, updateEvent } from "./service.js";
import { cancelEvent, publishEvent, rescheduleEvent } from "./transitions.js";
import { eventView } from "./view.js";

const tags = ["Events"];
const staffNote =
  "Without a key: published and cancelled events only. With an events:read key: drafts and private fields too";
const invalid = { 422: { description: "Invalid input; errors[] names each field" } };
const missing = { 404: { description: "No such event" } };
const wrongState = {
  409: { description: "Not allowed in the event's current state, or edited concurrently" },
};

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
      const rel = await loadRelations(
        deps.db,
        page.rows.map((r) => r.id),
      );
      return c.json({
        data: page.rows.map((r) => eventView(r, rel.get(r.id)!, deps.config, staff)),
        nextCursor: page.nextCursor,
      });
    },
  )
  .get(
    "/events/:idOrSlug",
    describe({
      summary: "Read an event",
      description: staffNote,
      tags,
      responses: { 200: { description: "The event", schema: EventOut }, ...missing },
    }),
    optionalScope("events:read"),
    validate("param", IdOrSlugParam),
    async (c) =>
      c.json(await getEventView(c.var.deps, c.req.valid("param").idOrSlug, Boolean(c.get("principal")))),
  )
  .post(
    "/events",
    describe({
      summary: "Create a draft event",
      tags,
      responses: { 201: { description: "Created", schema: EventOut }, ...invalid },
    }),
    requireScope("events:write"),
    validate("json", EventCreate),
    async (c) => c.json(await createEvent(c.var.deps, actorOf(c), c.req.valid("json")), 201),
  )
  .patch(
    "/events/:idOrSlug",
    describe({
      summary: "Edit an event's details and links",
      description: "Times move with the reschedule action; changes calendars must see raise the sequence",
      tags,
      responses: { 200: { description: "Updated", schema: EventOut }, ...invalid, ...missing, ...wrongState },
    }),
    requireScope("events:write"),
    validate("param", IdOrSlugParam),
    validate("json", EventUpdate),
    async (c) =>
      c.json(await updateEvent(c.var.deps, actorOf(c), c.req.valid("param").idOrSlug, c.req.valid("json"))),
  )
  .delete(
    "/events/:idOrSlug",
    describe({
      summary: "Delete a draft",
      tags,
      responses: { 204: { description: "Deleted" }, ...missing, ...wrongState },
    }),
    requireScope("events:write"),
    validate("param", IdOrSlugParam),
    async (c) => {
      await deleteEvent(c.var.deps, actorOf(c), c.req.valid("param").idOrSlug);
      return c.body(null, 204);
    },
  )
  .post(
    "/events/:idOrSlug/publish",
    describe({
      summary: "Publish a draft",
      tags,
      responses: { 200: { description: "Published", schema: EventOut }, ...missing, ...wrongState },
    }),
    requireScope("events:write"),
    validate("param", IdOrSlugParam),
    async (c) => c.json(await publishEvent(c.var.deps, actorOf(c), c.req.valid("param").idOrSlug)),
  )
  .post(
    "/events/:idOrSlug/reschedule",
    describe({
      summary: "Move an event",
      description:
        "Local times are read in timeZone; a time in a DST gap or overlap without an offset is refused",
      tags,
      responses: {
        200: { description: "Rescheduled", schema: EventOut },
        ...invalid,
        ...missing,
        ...wrongState,
      },
    }),
    requireScope("events:write"),
    validate("param", IdOrSlugParam),
    validate("json", EventReschedule),
    async (c) =>
      c.json(
        await rescheduleEvent(c.var.deps, actorOf(c), c.req.valid("param").idOrSlug, c.req.valid("json")),
      ),
  )
  .post(
    "/events/:idOrSlug/cancel",
    describe({
      summary: "Cancel a published event",
      tags,
      responses: { 200: { description: "Cancelled", schema: EventOut }, ...missing, ...wrongState },
    }),
    requireScope("events:write"),
    validate("param", IdOrSlugParam),
    async (c) => c.json(await cancelEvent(c.var.deps, actorOf(c), c.req.valid("param").idOrSlug)),
  );
