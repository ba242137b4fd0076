import { Hono } from "hono";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { IdOrSlugParam } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { EventCreate, EventOut, EventReschedule, EventUpdate } from "../events/index.js";
import { createEvent, deleteEvent, updateEvent } from "./service.js";
import { cancelEvent, publishEvent, rescheduleEvent } from "./transitions.js";

const tags = ["Events"];
const invalid = { 422: { description: "Invalid input; errors[] names each field" } };
const missing = { 404: { description: "No such event" } };
const wrongState = {
  409: { description: "Not allowed in the event's current state, or edited concurrently" },
};

/** Staff writes to events: each one changes the event and what it sets off, in one batch. */
export const programmeRoutes = new Hono<AppEnv>()
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
