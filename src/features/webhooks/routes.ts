import { Hono } from "hono";
import { z } from "zod";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { NoQuery } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import {
  DeliveriesQuery,
  DeliveryOut,
  EndpointCreate,
  EndpointOut,
  EndpointUpdate,
  Secret,
} from "./schemas.js";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  rotateSecret,
  updateEndpoint,
} from "./service.js";

const tags = ["Webhooks"];
const IdParam = z.object({ id: z.string().min(1).max(100) });
const DeliveryParam = IdParam.extend({ deliveryId: z.string().min(1).max(100) });
const notFound = { 404: { description: "No such endpoint" } };

/** Staff routes for webhook endpoints (scope webhooks:write; admin has every scope). */
export const webhookRoutes = new Hono<AppEnv>()
  .get(
    "/webhooks/endpoints",
    describe({
      summary: "List webhook endpoints",
      description: "A disabled endpoint says why (disabledReason) and since when: this is staff's notice",
      tags,
      responses: {
        200: { description: "Endpoints, newest first", schema: z.object({ data: z.array(EndpointOut) }) },
      },
    }),
    requireScope("webhooks:write"),
    validate("query", NoQuery),
    async (c) => c.json({ data: await listEndpoints(c.var.deps.db) }),
  )
  .post(
    "/webhooks/endpoints",
    describe({
      summary: "Create a webhook endpoint",
      description:
        "Messages are signed per Standard Webhooks with the secret, which is in this answer only. " +
        "The URL must be https:// and must not lead to a private, loopback or link-local address",
      tags,
      responses: { 201: { description: "Created", schema: EndpointOut.extend({ secret: Secret }) } },
    }),
    requireScope("webhooks:write"),
    validate("json", EndpointCreate),
    async (c) => c.json(await createEndpoint(c.var.deps, actorOf(c), c.req.valid("json")), 201),
  )
  .get(
    "/webhooks/endpoints/:id",
    describe({
      summary: "Read a webhook endpoint (never its secret)",
      tags,
      responses: { 200: { description: "The endpoint", schema: EndpointOut }, ...notFound },
    }),
    requireScope("webhooks:write"),
    validate("param", IdParam),
    validate("query", NoQuery),
    async (c) => c.json(await getEndpoint(c.var.deps.db, c.req.valid("param").id)),
  )
  .patch(
    "/webhooks/endpoints/:id",
    describe({
      summary: "Change a webhook endpoint's URL, event types, description or enabled flag",
      tags,
      responses: { 200: { description: "The endpoint", schema: EndpointOut }, ...notFound },
    }),
    requireScope("webhooks:write"),
    validate("param", IdParam),
    validate("json", EndpointUpdate),
    async (c) =>
      c.json(await updateEndpoint(c.var.deps, actorOf(c), c.req.valid("param").id, c.req.valid("json"))),
  )
  .delete(
    "/webhooks/endpoints/:id",
    describe({
      summary: "Delete a webhook endpoint (its queued messages are not sent)",
      tags,
      responses: { 204: { description: "Deleted" }, ...notFound },
    }),
    requireScope("webhooks:write"),
    validate("param", IdParam),
    async (c) => {
      await deleteEndpoint(c.var.deps, actorOf(c), c.req.valid("param").id);
      return c.body(null, 204);
    },
  )
  .post(
    "/webhooks/endpoints/:id/rotate-secret",
    describe({
      summary: "Replace the endpoint's signing secret",
      description:
        "The new secret signs every send from now on, queued messages included; shown in this answer only",
      tags,
      responses: {
        200: { description: "The new secret", schema: z.object({ secret: Secret }) },
        ...notFound,
      },
    }),
    requireScope("webhooks:write"),
    validate("param", IdParam),
    async (c) => c.json(await rotateSecret(c.var.deps, actorOf(c), c.req.valid("param").id)),
  )
  .get(
    "/webhooks/endpoints/:id/deliveries",
    describe({
      summary: "List an endpoint's deliveries, newest first",
      description:
        "Failed sends are retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, then the delivery is dead. Sent and dead deliveries are kept for WEBHOOK_RETENTION_DAYS (default 30) after they were queued, then deleted; waiting ones are kept until they close",
      tags,
      responses: {
        200: {
          description: "A page of deliveries",
          schema: z.object({ data: z.array(DeliveryOut), nextCursor: z.string().nullable() }),
        },
        ...notFound,
      },
    }),
    requireScope("webhooks:write"),
    validate("param", IdParam),
    validate("query", DeliveriesQuery),
    async (c) => c.json(await listDeliveries(c.var.deps, c.req.valid("param").id, c.req.valid("query"))),
  )
  .post(
    "/webhooks/endpoints/:id/deliveries/:deliveryId/replay",
    describe({
      summary: "Send a delivery again",
      description: "A new delivery with the same webhook-id and payload, due now",
      tags,
      responses: {
        202: { description: "Queued", schema: DeliveryOut },
        404: { description: "No such endpoint or delivery" },
      },
    }),
    requireScope("webhooks:write"),
    validate("param", DeliveryParam),
    async (c) => {
      const { id, deliveryId } = c.req.valid("param");
      return c.json(await replayDelivery(c.var.deps, actorOf(c), id, deliveryId), 202);
    },
  );
