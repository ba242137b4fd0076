import { z } from "zod";
import { RECORDING_KINDS, RECORDING_PROVIDERS } from "../../../db/schema.js";
import { optionalText, Slug } from "../../../lib/schemas.js";
import { chapterErrors, urlProblem } from "./urls.js";

const MAX_SECONDS = 7 * 24 * 3600;

const Kind = z.enum(RECORDING_KINDS);
const Provider = z.enum(RECORDING_PROVIDERS);
const Url = z
  .string()
  .trim()
  .max(2000)
  .describe(
    "youtube: https://www.youtube.com/watch?v=ID, https://youtu.be/ID or https://www.youtube.com/embed/ID (11-character id); vimeo: https://vimeo.com/NUMBER or https://player.vimeo.com/video/NUMBER; file: any https URL",
  );
const Duration = z.number().int().min(1).max(MAX_SECONDS).describe("Length in seconds, when known");
const PublishedAt = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 instant with Z or an offset" })
  .describe("When it was published; defaults to now when published. Not in the future");

const Chapter = z.strictObject({
  startSeconds: z.number().int().min(0).max(MAX_SECONDS),
  title: z.string().trim().min(1).max(300),
  brief: Slug.optional().describe("Slug of a brief this part of the recording discusses"),
});
const Chapters = z
  .array(Chapter)
  .max(200)
  .describe("In order; each starts after the previous one and before the end, when the duration is known");

type Ctx = z.core.$RefinementCtx;
const addErrors = (ctx: Ctx, errors: { field: string; message: string }[]) => {
  for (const e of errors) ctx.addIssue({ code: "custom", path: e.field.split("."), message: e.message });
};

export const RecordingCreate = z
  .strictObject({
    kind: Kind,
    provider: Provider,
    url: Url,
    title: optionalText(300),
    durationSeconds: Duration.nullish(),
    published: z.boolean().default(false).describe("Published recordings of past events are in the archive"),
    publishedAt: PublishedAt.optional(),
    demo: z.boolean().default(false).describe("Example content, labelled as such wherever it is shown"),
    chapters: Chapters.default([]),
  })
  .superRefine((v, ctx) => {
    const bad = urlProblem(v.provider, v.url);
    if (bad) ctx.addIssue({ code: "custom", path: ["url"], message: bad });
    if (v.publishedAt && !v.published) {
      ctx.addIssue({ code: "custom", path: ["publishedAt"], message: "only with published: true" });
    }
    addErrors(ctx, chapterErrors(v.chapters, v.durationSeconds));
  });
export type RecordingCreateInput = z.infer<typeof RecordingCreate>;

/** Absent fields stay; the URL is checked against the provider it will have (in the service). */
export const RecordingUpdate = z.strictObject({
  kind: Kind.optional(),
  provider: Provider.optional(),
  url: Url.optional(),
  title: optionalText(300),
  durationSeconds: Duration.nullish(),
  published: z.boolean().optional(),
  publishedAt: PublishedAt.optional(),
  demo: z.boolean().optional(),
});
export type RecordingUpdateInput = z.infer<typeof RecordingUpdate>;

export const ChaptersPut = z.strictObject({ chapters: Chapters });

export const RecordingParam = z.object({ id: z.string().min(1).max(100).describe("Recording id (rec_...)") });

export const RecordingOut = z.object({
  id: z.string(),
  event: z.object({ id: z.string(), slug: z.string() }),
  kind: Kind,
  provider: Provider,
  url: z.string(),
  embedUrl: z.string().nullable().describe("Player URL for YouTube/Vimeo; null for files"),
  title: z.string().nullable(),
  durationSeconds: z.number().nullable(),
  published: z.boolean(),
  publishedAt: z.string().nullable(),
  demo: z.boolean(),
  position: z.number(),
  chapters: z.array(
    z.object({
      startSeconds: z.number(),
      title: z.string(),
      brief: z.object({ slug: z.string(), title: z.string() }).nullable(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RecordingView = z.infer<typeof RecordingOut>;
