import { Hono } from "hono";
import { requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { IdOrSlugParam, NoQuery } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { ReminderPlanOut, reminderPlan } from "./plan-view.js";

/** Staff: an event's reminder plan and how delivery went. Offsets are set on the event itself. */
export const reminderRoutes = new Hono<AppEnv>().get(
  "/events/:idOrSlug/reminders",
  describe({
    summary: "An event's reminders: plan and delivery counts",
    description:
      "One entry per reminder offset of the event (and the recording notice, once a published recording is attached): its due instant in UTC and in the event's zone, its status (scheduled, fanning, done, skipped with the reason, dropped) and the counts of its messages (queued, retrying, sent, failed, skipped). Set the offsets with the event's `reminders` field.",
    tags: ["Reminders"],
    responses: {
      200: { description: "The plan", schema: ReminderPlanOut },
      404: { description: "No such event" },
    },
  }),
  requireScope("registrations:read"),
  validate("param", IdOrSlugParam),
  validate("query", NoQuery),
  async (c) => c.json(await reminderPlan(c.var.deps, c.req.valid("param").idOrSlug)),
);
