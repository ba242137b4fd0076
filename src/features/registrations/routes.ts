import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../lib/http.js";
import { notFound } from "../../lib/problem.js";
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

export const registrationRoutes = new Hono<AppEnv>()
  .post(
    "/events/:slug/registrations",
    describe({
      summary: "Register for an event",
      description:
        "201 with the manage link for a new registration. The same email again answers 200 with the same status and no link: the links go to the mailbox again (once)",
      tags,
      responses: {
        201: { description: "Registered", schema: Outcome.extend({ manageUrl: z.string() }) },
        200: { description: "Already registered", schema: Outcome },
        404: { description: "No such event (or a draft)" },
        409: {
          description:
            "event-cancelled, event-past, registration-not-open, registration-closed or event-full",
        },
        422: { description: "Invalid input; errors[] names each field (answers.<question id>)" },
        429: { description: "Too many registrations from this address; see Retry-After" },
      },
    }),
    rateLimitRegistrations,
    validate("param", z.object({ slug: z.string().min(1).max(100) })),
    validate("json", RegistrationBody),
    async (c) => {
      const result = await registerForEvent(c.var.deps, c.req.valid("param").slug, c.req.valid("json"));
      const { status, position } = result.outcome;
      if (!result.created) return c.json({ status, position }, 200);
      return c.json({ status, position, manageUrl: result.manageUrl }, 201);
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
