import { Hono } from "hono";
import { accepts } from "hono/accepts";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import { REGISTRATION_STATUSES } from "../../db/schema.js";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { notFound, Problem } from "../../lib/problem.js";
import { IdOrSlugParam, Limit } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { findEvent } from "../events/index.js";
import { NewsletterOut } from "./newsletter.js";
import { importAttendance, readAttendance } from "./staff-attendance.js";
import { registrationsCsv } from "./staff-export.js";
import { decodeRegistrationCursor, encodeRegistrationCursor, registrationPage } from "./staff-queries.js";
import { staffPromote, staffRemove } from "./staff-service.js";

const tags = ["Registrations (staff)"];
export const MAX_ATTENDANCE_BYTES = 5 * 1024 * 1024;

const Instant = z.string().describe("UTC instant, ISO 8601 with Z");
const StaffRegistrationOut = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  status: z.enum(REGISTRATION_STATUSES),
  position: z.number().nullable().describe("Place in the waitlist queue, for waitlisted registrations"),
  answers: z.record(z.string(), z.union([z.string(), z.boolean()])),
  createdAt: Instant,
  confirmedAt: Instant.nullable(),
  cancelledAt: Instant.nullable(),
  attendedAt: Instant.nullable(),
  remindersOptOut: z.boolean(),
  newsletter: NewsletterOut,
});

const ListQuery = z.object({
  status: z.enum(REGISTRATION_STATUSES).optional(),
  q: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => v || undefined)
    .describe("Part of the name or email, any case"),
  attended: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === "true")),
  limit: Limit,
  cursor: z.string().max(500).optional().describe("nextCursor of the previous page"),
});

const RegistrationParam = z.object({
  id: z.string().min(1).max(100).describe("The registration id (reg_...)"),
});

const missingEvent = { 404: { description: "No such event" } };
const missingRegistration = { 404: { description: "No such registration" } };

async function requireEvent(c: { var: AppEnv["Variables"] }, idOrSlug: string) {
  const event = await findEvent(c.var.deps.db, idOrSlug);
  if (!event) throw notFound(`Event ${idOrSlug}`);
  return event;
}

/** ASCII fallback plus RFC 5987 form, since slugs may hold letters of any script. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\w.-]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const CSV_TYPES = new Set(["text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"]);

export const staffRegistrationRoutes = new Hono<AppEnv>()
  .get(
    "/events/:idOrSlug/registrations",
    describe({
      summary: "List an event's registrations",
      description:
        "Keyset pages in registration order. With `Accept: text/csv` every matching row (filters apply, limit and cursor do not) as an RFC 4180 CSV download, one column per registration question, streamed from the database in chunks",
      tags,
      responses: {
        200: {
          description: "A page of registrations (or the CSV file)",
          schema: z.object({ data: z.array(StaffRegistrationOut), nextCursor: z.string().nullable() }),
        },
        ...missingEvent,
        422: { description: "Invalid filter or cursor" },
      },
    }),
    requireScope("registrations:read"),
    validate("param", IdOrSlugParam),
    validate("query", ListQuery),
    async (c) => {
      const { deps } = c.var;
      const event = await requireEvent(c, c.req.valid("param").idOrSlug);
      const { status, q, attended, limit, cursor } = c.req.valid("query");
      const filter = { status, q, attended };
      const type = accepts(c, {
        header: "Accept",
        supports: ["application/json", "text/csv"],
        default: "application/json",
      });
      if (type === "text/csv") {
        return c.body(registrationsCsv(deps.db, event, filter, { log: deps.log }), 200, {
          "Content-Type": "text/csv; charset=utf-8; header=present",
          "Content-Disposition": attachment(`registrations-${event.slug}.csv`),
          "Cache-Control": "no-store",
        });
      }
      const after = cursor ? decodeRegistrationCursor(cursor) : undefined;
      const page = await registrationPage(deps.db, event.id, filter, limit, after);
      c.header("Cache-Control", "no-store");
      return c.json({
        data: page.items,
        nextCursor: page.next ? encodeRegistrationCursor(page.next) : null,
      });
    },
  )
  .post(
    "/registrations/:id/promote",
    describe({
      summary: "Promote a waitlisted registration",
      description:
        "Confirms the person even past the capacity and queues their email; the event must be published and not over",
      tags,
      responses: {
        200: { description: "Promoted", schema: StaffRegistrationOut },
        ...missingRegistration,
        409: { description: "not-waitlisted, or event-closed" },
      },
    }),
    requireScope("registrations:write"),
    validate("param", RegistrationParam),
    async (c) => c.json(await staffPromote(c.var.deps, actorOf(c), c.req.valid("param").id)),
  )
  .delete(
    "/registrations/:id",
    describe({
      summary: "Remove a registration",
      description:
        "Cancels it and gives the seat to the head of the waitlist in the same step; removing it again changes nothing",
      tags,
      responses: {
        200: {
          description: "Removed; promoted lists who got the seat",
          schema: z.object({ removed: StaffRegistrationOut, promoted: z.array(StaffRegistrationOut) }),
        },
        ...missingRegistration,
      },
    }),
    requireScope("registrations:write"),
    validate("param", RegistrationParam),
    async (c) => c.json(await staffRemove(c.var.deps, actorOf(c), c.req.valid("param").id)),
  )
  .post(
    "/events/:idOrSlug/attendance",
    describe({
      summary: "Import attendance from a Zoom participants export",
      description:
        'Body: the CSV file as text/csv, at most 5 MB. The header row with "User Email"/"Email" is found after any meeting summary; join times are read in the event\'s time zone; registrations not yet marked get the earliest join time (or now)',
      tags,
      responses: {
        200: {
          description: "What the file matched",
          schema: z.object({
            matched: z.number(),
            alreadyMarked: z.number(),
            unmatched: z.array(z.string()),
          }),
        },
        ...missingEvent,
        413: { description: "The file is larger than 5 MB" },
        415: { description: "Not sent as text/csv" },
        422: { description: "Not a CSV with an email column (errors[].field = file)" },
      },
    }),
    requireScope("registrations:write"),
    validate("param", IdOrSlugParam),
    bodyLimit({
      maxSize: MAX_ATTENDANCE_BYTES,
      onError: () => {
        throw new Problem({
          status: 413,
          kind: "payload-too-large",
          title: "Payload too large",
          detail: `file: the attendance file must be at most ${MAX_ATTENDANCE_BYTES / 1024 / 1024} MB.`,
          errors: [{ field: "file", message: "is larger than 5 MB" }],
        });
      },
    }),
    async (c) => {
      const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!CSV_TYPES.has(type)) {
        throw new Problem({
          status: 415,
          kind: "unsupported-media-type",
          title: "Unsupported media type",
          detail: "Send the attendance file as text/csv.",
        });
      }
      const event = await requireEvent(c, c.req.valid("param").idOrSlug);
      const seen = readAttendance(await c.req.text(), event.timeZone);
      return c.json(await importAttendance(c.var.deps, actorOf(c), event.id, seen));
    },
  );
