import { z } from "zod";
import {
  EVENT_FORMATS,
  NEWSLETTER_SOURCES,
  NEWSLETTER_STATES,
  OUTBOX_STATUSES,
  RECORDING_KINDS,
  RECORDING_PROVIDERS,
} from "../../db/schema.js";
import { IsoInstant, Limit } from "../../lib/schemas.js";
import { WEBHOOK_TYPES, type WebhookType } from "./types.js";

const EventTypes = z.array(z.enum(WEBHOOK_TYPES)).min(1).max(WEBHOOK_TYPES.length);
const Url = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .describe("https:// (http:// and private addresses only with WEBHOOK_ALLOW_PRIVATE)");
const Description = z.string().trim().max(500).nullable();

export const EndpointCreate = z.strictObject({
  url: Url,
  eventTypes: EventTypes,
  description: Description.optional(),
  enabled: z.boolean().optional(),
});

export const EndpointUpdate = z.strictObject({
  url: Url.optional(),
  eventTypes: EventTypes.optional(),
  description: Description.optional(),
  enabled: z.boolean().optional().describe("true also clears disabledReason"),
});

export const EndpointOut = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  eventTypes: z.array(z.enum(WEBHOOK_TYPES)),
  enabled: z.boolean(),
  disabledReason: z
    .string()
    .nullable()
    .describe(
      "Why the endpoint was disabled: a 410 answer, or failing for a whole retry span (about a day and a half)",
    ),
  disabledAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const Secret = z.string().describe("whsec_<base64 of 32 bytes>: shown in this answer only");

export const DeliveryOut = z.object({
  id: z.string(),
  template: z.string(),
  type: z.enum(WEBHOOK_TYPES),
  webhookId: z.string().describe("The webhook-id header: the same on every attempt and replay"),
  registrationId: z.string().nullable(),
  eventId: z.string().nullable(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export const DeliveriesQuery = z.object({
  limit: Limit,
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});

// Payloads, as documented in the OpenAPI `webhooks` section. The event never carries its join URL.
const EventData = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  status: z.enum(["draft", "published", "cancelled"]),
  format: z.enum(EVENT_FORMATS),
  startsAt: IsoInstant,
  endsAt: IsoInstant,
  timeZone: z.string(),
  venue: z.string().nullable(),
  sequence: z.number().int(),
  url: z.string().describe("The public event page"),
});
const Registrant = z.object({
  id: z.string(),
  status: z.enum(["confirmed", "waitlisted", "cancelled"]),
  name: z.string(),
  email: z.string(),
  answers: z.record(z.string(), z.union([z.string(), z.boolean()])),
  waitlistPosition: z.number().int().nullable(),
  registeredAt: IsoInstant,
  // The same shape as the registrations feature's NewsletterOut (which this feature cannot
  // import: registrations queues webhooks), so a CRM can sync the opt-in.
  newsletter: z
    .object({ state: z.enum(NEWSLETTER_STATES), at: IsoInstant, source: z.enum(NEWSLETTER_SOURCES) })
    .nullable()
    .describe(
      "Newsletter opt-in (double opt-in: requested, then confirmed on the emailed manage page); null: never asked",
    ),
});
const payload = (type: WebhookType, data: z.ZodType) =>
  z.object({ type: z.literal(type), timestamp: IsoInstant, data });

const eventOnly = z.object({ event: EventData });
const withRegistrant = z.object({ event: EventData, registration: Registrant });

/** Each type's payload (what the receiver gets as the JSON body), for the OpenAPI document. */
export const WEBHOOK_PAYLOADS: Record<WebhookType, { summary: string; schema: z.ZodType }> = {
  "event.published": {
    summary: "A draft event was published",
    schema: payload("event.published", eventOnly),
  },
  "event.updated": { summary: "An event's details changed", schema: payload("event.updated", eventOnly) },
  "event.rescheduled": { summary: "An event moved in time", schema: payload("event.rescheduled", eventOnly) },
  "event.cancelled": { summary: "An event was cancelled", schema: payload("event.cancelled", eventOnly) },
  "registration.created": {
    summary: "Someone registered (confirmed or waitlisted)",
    schema: payload("registration.created", withRegistrant),
  },
  "registration.cancelled": {
    summary: "A registration was cancelled (by its owner or by staff)",
    schema: payload("registration.cancelled", withRegistrant),
  },
  "registration.promoted": {
    summary: "A waitlisted registration got a seat",
    schema: payload("registration.promoted", withRegistrant),
  },
  "attendance.recorded": {
    summary: "An attendance import marked a registration as attended (no registrant fields)",
    schema: payload(
      "attendance.recorded",
      z.object({ event: EventData, registration: z.object({ id: z.string(), attendedAt: IsoInstant }) }),
    ),
  },
  "recording.published": {
    summary: "A recording of an event was published",
    schema: payload(
      "recording.published",
      z.object({
        event: EventData,
        recording: z.object({
          id: z.string(),
          kind: z.enum(RECORDING_KINDS),
          provider: z.enum(RECORDING_PROVIDERS),
          url: z.string(),
          title: z.string().nullable(),
          durationSeconds: z.number().int().nullable(),
          publishedAt: IsoInstant,
        }),
      }),
    ),
  },
};
