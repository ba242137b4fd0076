import { Hono } from "hono";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { BRIEF_KINDS } from "../../db/schema.js";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { HttpUrl, Limit, optionalText, Slug, SlugParam } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { type BriefWithId, decodeCursor, listBriefs, readBrief } from "./queries.js";
import { createBrief, deleteBrief, updateBrief } from "./service.js";

// A blank string clears the field, so the database never holds "" next to null.
const text = (max: number) => optionalText(max).transform((v) => (v === "" ? null : v));

const Kind = z.enum(BRIEF_KINDS);
const PublishedOn = z.iso
  .date({ error: "must be a calendar date, YYYY-MM-DD" })
  .describe("Calendar date of publication, YYYY-MM-DD");

/** Slugs of linked records; a repeat would break the link table's primary key, so name it here. */
const SlugList = z
  .array(Slug)
  .max(50)
  .superRefine((slugs, ctx) => {
    slugs.forEach((s, i) => {
      if (slugs.indexOf(s) !== i) ctx.addIssue({ code: "custom", path: [i], message: "is listed twice" });
    });
  });

const briefFields = {
  url: HttpUrl.nullish(),
  outlet: text(200),
  publishedOn: PublishedOn.nullish(),
  summary: text(5000),
  authors: SlugList.optional().describe("Person slugs, in byline order; replaces all authors"),
  topics: SlugList.optional().describe("Topic slugs; replaces all topics"),
};
const Title = z.string().trim().min(1).max(300);
const BriefCreate = z.strictObject({ title: Title, slug: Slug.optional(), kind: Kind, ...briefFields });
const BriefUpdate = z.strictObject({ title: Title.optional(), kind: Kind.optional(), ...briefFields });

const BriefQuery = z.object({
  topic: Slug.optional().describe("Only briefs with this topic slug"),
  author: Slug.optional().describe("Only briefs by this person slug"),
  kind: Kind.optional(),
  limit: Limit,
  cursor: z
    .string()
    .max(500)
    .transform((value, ctx) => {
      const cursor = decodeCursor(value);
      if (!cursor) ctx.addIssue({ code: "custom", message: "must be a nextCursor from a previous page" });
      return cursor ?? z.NEVER;
    })
    .optional()
    .describe("nextCursor of the previous page"),
});

export const BriefOut = z.object({
  slug: z.string(),
  title: z.string(),
  kind: Kind,
  url: z.string().nullable(),
  outlet: z.string().nullable(),
  publishedOn: z.string().nullable(),
  summary: z.string().nullable(),
  authors: z.array(z.object({ slug: z.string(), name: z.string(), title: z.string().nullable() })),
  topics: z.array(z.object({ slug: z.string(), name: z.string() })),
});
/**
 * Events related to a brief, which the briefs API shows beside each brief. They are the
 * archive's to compute (it reads events, their links and recordings), so createApp passes
 * them in: briefs sit below events and the archive in the feature graph.
 */
export interface RelatedEventsOfBrief {
  /** The documented JSON shape of one related event. */
  schema: z.ZodType;
  list(db: Db, briefId: string): Promise<unknown[]>;
}

const tags = ["Briefs"];

export function briefRoutes(related: RelatedEventsOfBrief) {
  const BriefRead = BriefOut.extend({
    relatedEvents: z
      .array(related.schema)
      .describe(
        "Published events: explicit links first (with their relation), then events sharing topics or people (its authors), ranked by shared topics + 2 x shared people, newest first; at most 10",
      ),
  });
  const withRelated = async (db: Db, b: BriefWithId) => ({
    ...b.view,
    relatedEvents: await related.list(db, b.id),
  });
  return new Hono<AppEnv>()
    .get(
      "/briefs",
      describe({
        summary: "List briefs, newest first",
        tags,
        responses: {
          200: {
            description: "A page of briefs",
            schema: z.object({ data: z.array(BriefOut), nextCursor: z.string().nullable() }),
          },
          422: { description: "Invalid filter or cursor" },
        },
      }),
      validate("query", BriefQuery),
      async (c) => c.json(await listBriefs(c.var.deps.db, c.req.valid("query"))),
    )
    .get(
      "/briefs/:slug",
      describe({
        summary: "Read a brief",
        tags,
        responses: {
          200: { description: "The brief and its related events", schema: BriefRead },
          404: { description: "Unknown brief" },
        },
      }),
      validate("param", SlugParam),
      async (c) =>
        c.json(await withRelated(c.var.deps.db, await readBrief(c.var.deps.db, c.req.valid("param").slug))),
    )
    .post(
      "/briefs",
      describe({
        summary: "Create a brief with its authors and topics",
        tags,
        responses: {
          201: { description: "Created", schema: BriefRead },
          409: { description: "The explicit slug is taken" },
          422: { description: "Invalid input or unknown author/topic slug" },
        },
      }),
      requireScope("archive:write"),
      validate("json", BriefCreate),
      async (c) =>
        c.json(
          await withRelated(c.var.deps.db, await createBrief(c.var.deps, actorOf(c), c.req.valid("json"))),
          201,
        ),
    )
    .patch(
      "/briefs/:slug",
      describe({
        summary: "Update a brief (the slug stays; authors/topics, when given, replace the current ones)",
        tags,
        responses: {
          200: { description: "Updated", schema: BriefRead },
          404: { description: "Unknown brief" },
          422: { description: "Invalid input or unknown author/topic slug" },
        },
      }),
      requireScope("archive:write"),
      validate("param", SlugParam),
      validate("json", BriefUpdate),
      async (c) =>
        c.json(
          await withRelated(
            c.var.deps.db,
            await updateBrief(c.var.deps, actorOf(c), c.req.valid("param").slug, c.req.valid("json")),
          ),
        ),
    )
    .delete(
      "/briefs/:slug",
      describe({
        summary: "Delete a brief that no event links to",
        tags,
        responses: {
          204: { description: "Deleted" },
          404: { description: "Unknown brief" },
          409: { description: "Still linked from events" },
        },
      }),
      requireScope("archive:write"),
      validate("param", SlugParam),
      async (c) => {
        await deleteBrief(c.var.deps, actorOf(c), c.req.valid("param").slug);
        return c.body(null, 204);
      },
    );
}
