import { z } from "zod";
import { EVENT_FORMATS, RECORDING_KINDS, RECORDING_PROVIDERS } from "../../../db/schema.js";
import { blank, Slug } from "../../../lib/schemas.js";
import { BriefRef, LocalTimes, SpeakerRef, TopicRef } from "../../events/index.js";

export const ArchiveQuery = z.object({
  q: z
    .string()
    .max(200)
    .optional()
    .describe(
      "Words to find in titles, summaries, descriptions, speaker names, brief and chapter titles and topics. " +
        "Plain text, never query syntax: every word must match, the last one as a prefix. Results are then ranked.",
    ),
  topic: blank(Slug).describe("Topic slug"),
  person: blank(Slug).describe("Person slug: the person spoke, moderated or hosted"),
  year: blank(
    z
      .string()
      .regex(/^\d{4}$/, "must be a four-digit year")
      .transform(Number),
  ).describe("Calendar year in the event's own time zone"),
  format: blank(z.enum(EVENT_FORMATS)),
  hasRecording: blank(
    z
      .enum(["true", "false", "1", "0", "on"], { error: "must be true or false" })
      .transform((v) => v === "true" || v === "1" || v === "on"),
  ).describe("true: only events with a published recording; false: only those without"),
  limit: blank(
    z
      .string()
      // The pattern is the whole rule, so the document states the range a client may send.
      .regex(/^0*(?:[1-9]\d?|100)$/, "must be a whole number from 1 to 100")
      .transform(Number),
  ).describe("Page size, default 20"),
  cursor: blank(z.string().max(300)).describe(
    "nextCursor of the previous page, with the same other parameters",
  ),
});
export type ArchiveQueryInput = z.infer<typeof ArchiveQuery>;

export const SnippetSegment = z.object({ text: z.string(), match: z.boolean() });
export type SnippetSegment = z.infer<typeof SnippetSegment>;

const Chapter = z.object({
  startSeconds: z.number(),
  title: z.string(),
  brief: z.string().nullable().describe("Slug of the brief the chapter discusses"),
});

const Recording = z.object({
  kind: z.enum(RECORDING_KINDS),
  provider: z.enum(RECORDING_PROVIDERS),
  url: z.string(),
  title: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  demo: z.boolean().describe("A demonstration recording, not the real one"),
  publishedAt: z.string().nullable(),
  chapters: z.array(Chapter),
});

export const ArchiveItemOut = z.object({
  id: z.string(),
  slug: z.string(),
  url: z.string().describe("The archive page of the event"),
  title: z.string(),
  summary: z.string().nullable(),
  format: z.enum(EVENT_FORMATS),
  status: z.literal("published"),
  startsAt: z.string().describe("UTC instant"),
  endsAt: z.string().describe("UTC instant"),
  timeZone: z.string(),
  local: LocalTimes,
  topics: z.array(TopicRef),
  speakers: z.array(SpeakerRef.omit({ photoUrl: true })),
  briefs: z.array(BriefRef),
  recordings: z.array(Recording).describe("Published recordings, in display order"),
  snippet: z
    .array(SnippetSegment)
    .nullable()
    .describe(
      "With q: the best-matching passage as plain-text segments in order; match = true marks the words " +
        "that matched (render them highlighted, escaping the text). Without q: null.",
    ),
});
export type ArchiveItem = z.infer<typeof ArchiveItemOut>;

export const ArchivePageOut = z.object({
  data: z.array(ArchiveItemOut),
  nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last page"),
});
