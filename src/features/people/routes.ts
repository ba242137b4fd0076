import { Hono } from "hono";
import { z } from "zod";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { HttpsUrl, NoQuery, optionalText, Slug, SlugParam } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { createPerson, deletePerson, getPerson, listPeople, personView, updatePerson } from "./service.js";

// A blank string clears the field, so the database never holds "" next to null.
const text = (max: number) => optionalText(max).transform((v) => (v === "" ? null : v));

const personFields = {
  title: text(200),
  affiliation: text(200),
  bio: text(5000),
  // https only: pages show no other (an http image is mixed content and outside the CSP's
  // img-src, web/photo.tsx), so an http photo would be stored and never seen.
  photoUrl: HttpsUrl.nullish(),
};
const Name = z.string().trim().min(1).max(200);
const PersonCreate = z.strictObject({ name: Name, slug: Slug.optional(), ...personFields });
const PersonUpdate = z.strictObject({ name: Name.optional(), ...personFields });
export const PersonOut = z.object({
  slug: z.string(),
  name: z.string(),
  title: z.string().nullable(),
  affiliation: z.string().nullable(),
  bio: z.string().nullable(),
  photoUrl: z.string().nullable(),
});
const tags = ["People"];

export const peopleRoutes = new Hono<AppEnv>()
  .get(
    "/people",
    describe({
      summary: "List speakers, moderators and authors by name",
      tags,
      responses: { 200: { description: "All people", schema: z.object({ data: z.array(PersonOut) }) } },
    }),
    validate("query", NoQuery),
    async (c) => c.json({ data: await listPeople(c.var.deps.db) }),
  )
  .get(
    "/people/:slug",
    describe({
      summary: "Read a person",
      tags,
      responses: {
        200: { description: "The person", schema: PersonOut },
        404: { description: "Unknown person" },
      },
    }),
    validate("param", SlugParam),
    async (c) => c.json(personView(await getPerson(c.var.deps.db, c.req.valid("param").slug))),
  )
  .post(
    "/people",
    describe({
      summary: "Create a person",
      tags,
      responses: {
        201: { description: "Created", schema: PersonOut },
        409: { description: "The explicit slug is taken" },
        422: { description: "Invalid input" },
      },
    }),
    requireScope("events:write"),
    validate("json", PersonCreate),
    async (c) => c.json(personView(await createPerson(c.var.deps, actorOf(c), c.req.valid("json"))), 201),
  )
  .patch(
    "/people/:slug",
    describe({
      summary: "Update a person (the slug stays; null clears a field)",
      tags,
      responses: {
        200: { description: "Updated", schema: PersonOut },
        404: { description: "Unknown person" },
        422: { description: "Invalid input" },
      },
    }),
    requireScope("events:write"),
    validate("param", SlugParam),
    validate("json", PersonUpdate),
    async (c) =>
      c.json(
        personView(
          await updatePerson(c.var.deps, actorOf(c), c.req.valid("param").slug, c.req.valid("json")),
        ),
      ),
  )
  .delete(
    "/people/:slug",
    describe({
      summary: "Delete a person who is not linked to any event or brief",
      tags,
      responses: {
        204: { description: "Deleted" },
        404: { description: "Unknown person" },
        409: { description: "Still linked to events or briefs" },
      },
    }),
    requireScope("events:write"),
    validate("param", SlugParam),
    async (c) => {
      await deletePerson(c.var.deps, actorOf(c), c.req.valid("param").slug);
      return c.body(null, 204);
    },
  );
