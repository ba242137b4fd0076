import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../lib/http.js";
import { notFound } from "../../lib/problem.js";
import { IdOrSlugParam } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { rateLimitRegistrations } from "../limits/index.js";
import { cancelRegistration } from "./engine.js";
import { RegistrationBody } from "./schemas.js";
import { findByToken, registerForEvent } from "./service.js";

const tags = ["Registrations (public)"];

const Outcome = z.object({
  status: z.enum(["confirmed", "waitlisted", "cancelled"]),
  position: z.number().nullable().describe("Place in the waitlist queue"),
});

/** The answer to every accepted submission, new address or known: the same shape and words. */
const Accepted = z.object({
  status: z.literal("check-email"),
  newRegistration: z
    .enum(["confirmed", "waitlisted"])
    .describe("What a new registration gets now: a seat, or a place on the waitlist"),
  detail: z.string(),
});

const CHECK_EMAIL =
  "We have emailed this address. A new registration's email confirms it and holds the calendar invitation and the link to manage it; if the address had registered before, nothing changed and the email has its links again.";

export const registrationRoutes = new Hono<AppEnv>()
  .post(
    "/events/:idOrSlug/registrations",
    describe({
      summary: "Register for an event",
      description:
        "202 for every accepted submission, whether or not the address had registered before: the answer never tells. A new address is registered at once (a seat, or the waitlist) and gets its confirmation and manage link by email; a known address changes nothing (not its name, answers or status) and gets its links by email again, at most once a day. The manage link only ever travels by email.",
      tags,
      responses: {
        202: { description: "Accepted: the rest is in the mailbox", schema: Accepted },
        404: { description: "No such event (or a draft)" },
        409: {
          description:
            "event-cancelled, event-past, registration-not-open, registration-closed or event-full (the same for every address)",
        },
        422: { description: "Invalid input; errors[] names each field (answers.<question id>)" },
        429: { description: "Too many registrations from this address; see Retry-After" },
      },
    }),
    rateLimitRegistrations,
    validate("param", IdOrSlugParam),
    validate("json", RegistrationBody),
    async (c) => {
      const newRegistration = await registerForEvent(
        c.var.deps,
        c.req.valid("param").idOrSlug,
        c.req.valid("json"),
        "api",
      );
      return c.json({ status: "check-email" as const, newRegistration, detail: CHECK_EMAIL }, 202);
    },
  )
  .post(
    "/registrations/:token/cancel",
    describe({
      summary: "Cancel a registration with its manage token",
      description:
        "Frees the seat and promotes the first waitlisted person in the same step; repeating it is harmless",
      tags,
      responses: {
        200: { description: "Cancelled", schema: Outcome },
        404: { description: "Unknown token" },
      },
    }),
    validate("param", z.object({ token: z.string().min(1).max(100) })),
    async (c) => {
      const found = await findByToken(c.var.deps, c.req.valid("param").token, "manage");
      if (!found) throw notFound("Registration");
      const { status, position } = await cancelRegistration(c.var.deps, found.registration.id);
      return c.json({ status, position });
    },
  );
