import { Hono } from "hono";
import { z } from "zod";
import { OUTBOX_STATUSES } from "../../db/schema.js";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { Limit } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { listMessages, retryMessage } from "./service.js";

const tags = ["Outbox"];

const MessageOut = z.object({
  id: z.string(),
  template: z.string(),
  channel: z.enum(["email", "webhook"]),
  registrationId: z.string().nullable(),
  eventId: z.string().nullable(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  lastError: z
    .string()
    .nullable()
    .describe('The last failure, or "skipped: <reason>" for a message with nothing to send'),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

const OutboxQuery = z.object({
  status: z.enum(OUTBOX_STATUSES).optional(),
  limit: Limit,
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

/** Staff routes for the outbox: what was sent, what is waiting, what died, and retrying it. */
export const outboxRoutes = new Hono<AppEnv>()
  .get(
    "/outbox",
    describe({
      summary: "List outgoing messages, newest first",
      description:
        "Delivery is at least once: a message re-sent after a crash carries the same Message-ID. Failed sends back off exponentially and become dead after OUTBOX_MAX_ATTEMPTS",
      tags,
      responses: {
        200: {
          description: "A page of messages",
          schema: z.object({ data: z.array(MessageOut), nextCursor: z.string().nullable() }),
        },
        422: { description: "Invalid filter or cursor" },
      },
    }),
    requireScope("registrations:read"),
    validate("query", OutboxQuery),
    async (c) => c.json(await listMessages(c.var.deps, c.req.valid("query"))),
  )
  .post(
    "/outbox/:id/retry",
    describe({
      summary: "Retry a dead message",
      description: "Back to pending with attempts 0, due now; audited",
      tags,
      responses: {
        200: { description: "Queued again", schema: MessageOut },
        404: { description: "No such message" },
        409: { description: "The message is not dead" },
      },
    }),
    requireScope("registrations:write"),
    validate("param", z.object({ id: z.string().min(1).max(100) })),
    async (c) => c.json(await retryMessage(c.var.deps, actorOf(c), c.req.valid("param").id)),
  );
