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

export const IsoInstant = z.string().describe("UTC instant, ISO 8601 with Z");

export const Limit = z.coerce.number().int().min(1).max(100).default(20);

export const IdOrSlugParam = z.object({
  idOrSlug: z.string().min(1).max(100).describe("The id (evt_...) or the slug"),
});

export const SlugParam = z.object({ slug: z.string().min(1).max(100) });

/** Treats a blank optional string as absent, so clearing a field is `null`, not "". */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((v) => (v === "" ? null : v));
