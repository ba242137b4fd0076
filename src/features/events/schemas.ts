import { z } from "zod";
import { BRIEF_RELATIONS, EVENT_FORMATS, EVENT_STATUSES, SPEAKER_ROLES } from "../../db/schema.js";
import { HttpUrl, Limit, optionalText, Slug } from "../../lib/schemas.js";
import { isValidTimeZone } from "../../lib/time.js";
import { ReminderOffsets } from "./offsets.js";
import { QuestionsInput } from "./questions.js";

const TimeZone = z
  .string()
  .refine(isValidTimeZone, "must be an IANA time zone such as America/New_York")
  .describe("IANA time zone the event happens in; local times are read in it");

const TimeInput = z
  .string()
  .max(40)
  .describe(
    "Local wall time read in timeZone (2025-04-16T12:00) or an instant with offset (2025-04-16T16:00:00Z)",
  );

const SpeakerInput = z.strictObject({
  person: Slug.describe("Slug of a person"),
  role: z.enum(SPEAKER_ROLES).default("speaker"),
});

const BriefLinkInput = z.strictObject({
  brief: Slug.describe("Slug of a brief"),
  relation: z.enum(BRIEF_RELATIONS).default("background_reading"),
});

const links = {
  topics: z.array(Slug).max(50).describe("Topic slugs"),
  speakers: z.array(SpeakerInput).max(50).describe("People in display order"),
  briefs: z.array(BriefLinkInput).max(50).describe("Related briefs in display order"),
};

const details = {
  questions: QuestionsInput.describe("Registration questions, in display order"),
  reminders: ReminderOffsets,
  summary: optionalText(500),
  description: optionalText(20_000),
  format: z.enum(EVENT_FORMATS),
  venue: optionalText(500),
  joinUrl: HttpUrl.nullish().describe("Private meeting link; never shown to the public"),
  capacity: z.number().int().min(1).max(1_000_000).nullish().describe("Seats; null = unlimited"),
  waitlist: z.boolean().describe("Take waitlisted registrations once full"),
  registrationOpensAt: TimeInput.nullish(),
  registrationClosesAt: TimeInput.nullish(),
};

const schedule = {
  startsAt: TimeInput,
  timeZone: TimeZone,
  endsAt: TimeInput.optional(),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(60 * 24 * 14)
    .optional()
    .describe("Used when endsAt is absent; default 60"),
};

const oneEnd = (v: { endsAt?: string; durationMinutes?: number }) => !(v.endsAt && v.durationMinutes);
const oneEndError = { message: "give endsAt or durationMinutes, not both", path: ["durationMinutes"] };

export const EventCreate = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    slug: Slug.optional().describe("Defaults to one made from the title; stable afterwards"),
    ...schedule,
    ...details,
    format: details.format.default("virtual"),
    waitlist: details.waitlist.default(true),
    questions: details.questions.default([]),
    reminders: details.reminders.default(["P1D", "PT1H"]),
    topics: links.topics.default([]),
    speakers: links.speakers.default([]),
    briefs: links.briefs.default([]),
  })
  .refine(oneEnd, oneEndError);
export type EventCreateInput = z.infer<typeof EventCreate>;

const useReschedule = z.never({ error: "change times with POST /api/v1/events/{id}/reschedule" }).optional();

export const EventUpdate = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  ...details,
  format: details.format.optional(),
  waitlist: details.waitlist.optional(),
  questions: details.questions.optional(),
  reminders: details.reminders.optional(),
  topics: links.topics.optional(),
  speakers: links.speakers.optional(),
  briefs: links.briefs.optional(),
  startsAt: useReschedule,
  endsAt: useReschedule,
  timeZone: useReschedule,
  durationMinutes: useReschedule,
  slug: z.never({ error: "slugs are stable once created" }).optional(),
  status: z.never({ error: "use the publish and cancel actions" }).optional(),
});
export type EventUpdateInput = z.infer<typeof EventUpdate>;

export const EventReschedule = z
  .strictObject({
    startsAt: TimeInput,
    timeZone: TimeZone.optional().describe("Defaults to the event's current zone"),
    endsAt: TimeInput.optional(),
    durationMinutes: schedule.durationMinutes.describe("Default: keep the current duration"),
  })
  .refine(oneEnd, oneEndError);
export type EventRescheduleInput = z.infer<typeof EventReschedule>;

export const EventListQuery = z.object({
  when: z
    .enum(["upcoming", "past", "all"])
    .default("upcoming")
    .describe("upcoming: not yet ended; past: ended"),
  topic: Slug.optional(),
  status: z
    .enum(EVENT_STATUSES)
    .optional()
    .describe("Staff only (events:read); the public sees published and cancelled"),
  limit: Limit,
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
});
export type EventListQueryInput = z.infer<typeof EventListQuery>;

/** Pieces of the event output, shared with the archive's results. */
export const TopicRef = z.object({ slug: z.string(), name: z.string() });
export const SpeakerRef = z.object({
  slug: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  affiliation: z.string().nullable(),
  photoUrl: z.string().nullable(),
  role: z.enum(SPEAKER_ROLES),
});
export const BriefRef = z.object({
  slug: z.string(),
  title: z.string(),
  kind: z.string(),
  url: z.string().nullable(),
  publishedOn: z.string().nullable(),
  relation: z.enum(BRIEF_RELATIONS),
});

export const LocalTimes = z.object({
  startsAt: z.string().describe("Wall time in the event's zone"),
  endsAt: z.string(),
  utcOffset: z.string().describe("Offset in force at the start, e.g. -04:00"),
});

export const EventOut = z.object({
  id: z.string(),
  slug: z.string(),
  url: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  description: z.string().nullable(),
  format: z.enum(EVENT_FORMATS),
  status: z.enum(EVENT_STATUSES),
  startsAt: z.string().describe("UTC instant"),
  endsAt: z.string().describe("UTC instant"),
  timeZone: z.string(),
  local: LocalTimes,
  durationMinutes: z.number(),
  venue: z.string().nullable(),
  capacity: z.number().nullable(),
  waitlist: z.boolean(),
  registration: z.object({ opensAt: z.string().nullable(), closesAt: z.string().nullable() }),
  questions: z.array(
    z.object({
      id: z.string(),
      label: z.string(),
      type: z.string(),
      required: z.boolean(),
      options: z.array(z.string()).optional(),
    }),
  ),
  topics: z.array(TopicRef),
  speakers: z.array(SpeakerRef),
  briefs: z.array(BriefRef),
  reminders: z.array(z.string()).describe("Reminder offsets before the start (ISO 8601 durations)"),
  sequence: z.number().describe("iCalendar SEQUENCE"),
  publishedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
  updatedAt: z.string(),
  embedHtml: z
    .string()
    .describe("An iframe of the event's card (/embed/events/{slug}) to paste into another site"),
  // Staff only:
  joinUrl: z.string().nullable().optional().describe("Staff only"),
  createdAt: z.string().optional().describe("Staff only"),
});
export type EventView = z.infer<typeof EventOut>;

export const EventPage = z.object({ data: z.array(EventOut), nextCursor: z.string().nullable() });
