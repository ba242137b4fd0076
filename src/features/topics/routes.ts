import { Hono } from "hono";
import { z } from "zod";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { NoQuery, Slug, SlugParam } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { createTopic, deleteTopic, getTopic, listTopics, topicView, updateTopic } from "./service.js";

const TopicCreate = z.strictObject({ name: z.string().trim().min(1).max(120), slug: Slug.optional() });
const TopicUpdate = z.strictObject({ name: z.string().trim().min(1).max(120).optional() });
export const TopicOut = z.object({ slug: z.string(), name: z.string() });
const tags = ["Topics"];

export const topicRoutes = new Hono<AppEnv>()
  .get(
    "/topics",
    describe({
      summary: "List topics",
      tags,
      responses: { 200: { description: "All topics", schema: z.object({ data: z.array(TopicOut) }) } },
    }),
    validate("query", NoQuery),
    async (c) => c.json({ data: await listTopics(c.var.deps.db) }),
  )
  .get(
    "/topics/:slug",
    describe({
      summary: "Read a topic",
      tags,
      responses: {
        200: { description: "The topic", schema: TopicOut },
        404: { description: "Unknown topic" },
      },
    }),
    validate("param", SlugParam),
    async (c) => c.json(topicView(await getTopic(c.var.deps.db, c.req.valid("param").slug))),
  )
  .post(
    "/topics",
    describe({
      summary: "Create a topic",
      tags,
      responses: { 201: { description: "Created", schema: TopicOut }, 422: { description: "Invalid input" } },
    }),
    requireScope("events:write"),
    validate("json", TopicCreate),
    async (c) => c.json(topicView(await createTopic(c.var.deps, actorOf(c), c.req.valid("json"))), 201),
  )
  .patch(
    "/topics/:slug",
    describe({
      summary: "Rename a topic (its slug stays)",
      tags,
      responses: { 200: { description: "Updated", schema: TopicOut }, 404: { description: "Unknown topic" } },
    }),
    requireScope("events:write"),
    validate("param", SlugParam),
    validate("json", TopicUpdate),
    async (c) =>
      c.json(
        topicView(await updateTopic(c.var.deps, actorOf(c), c.req.valid("param").slug, c.req.valid("json"))),
      ),
  )
  .delete(
    "/topics/:slug",
    describe({
      summary: "Delete an unused topic",
      tags,
      responses: {
        204: { description: "Deleted" },
        404: { description: "No such topic" },
        409: { description: "Still in use" },
      },
    }),
    requireScope("events:write"),
    validate("param", SlugParam),
    async (c) => {
      await deleteTopic(c.var.deps, actorOf(c), c.req.valid("param").slug);
      return c.body(null, 204);
    },
  );
