import { z } from "zod";

/** Schemas shared by several features. */
export const Slug = z
  .string()
  .regex(
    /^[\p{Ll}\p{Lo}\p{N}]+(-[\p{Ll}\p{Lo}\p{N}]+)*$/u,
    "must be a slug: lower-case letters, digits and single dashes",
  )
  .max(80);

export const HttpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2000);
export const HttpsUrl = z.url({ protocol: /^https$/, error: "must be an https URL" }).max(2000);

export const IsoInstant = z.string().describe("UTC instant, ISO 8601 with Z");

export const Limit = z.coerce.number().int().min(1).max(100).default(20);

export const IdOrSlugParam = z.object({
  idOrSlug: z.string().min(1).max(100).describe("The id (evt_...) or the slug"),
});

/** The query of a list that takes no parameters: `validate` reads it strictly, so any is a 422. */
export const NoQuery = z.object({});

export const SlugParam = z.object({ slug: z.string().min(1).max(100) });

/** Marks, in the JSON Schema, a parameter that `blank` also accepts empty (see openapi.ts). */
export const BLANK_MEANS_ABSENT = "x-blank-means-absent";

/**
 * An HTML GET form sends every field, empty ones as "": empty (or only spaces) means "no filter"
 * on the API too, so the /archive page and the API read one query string the same way. The
 * mark lets the document say so, since the value's own pattern would not admit "".
 */
export const blank = <S extends z.ZodType>(schema: S) =>
  z
    .preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), schema.optional())
    .meta({ [BLANK_MEANS_ABSENT]: true });

/** Treats a blank optional string as absent, so clearing a field is `null`, not "". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v === "" ? null : v));
