import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { people } from "../../db/schema.js";
import { sluggedTable } from "../../db/slugged.js";
import type { Deps } from "../../deps.js";
import { slugify } from "../../lib/slug.js";
import { withUniqueSlug } from "../../lib/unique-slug.js";
import { type Actor, auditInsert } from "../audit/index.js";

export type PersonRow = typeof people.$inferSelect;

export interface PersonFields {
  title?: string | null;
  affiliation?: string | null;
  bio?: string | null;
  photoUrl?: string | null;
}
export type PersonCreate = PersonFields & { name: string; slug?: string };
export type PersonUpdate = PersonFields & { name?: string };

export const personView = (p: PersonRow) => ({
  slug: p.slug,
  name: p.name,
  title: p.title,
  affiliation: p.affiliation,
  bio: p.bio,
  photoUrl: p.photoUrl,
});

export async function listPeople(db: Db) {
  // id breaks ties so two people with the same name keep a stable order.
  return (await db.select().from(people).orderBy(asc(people.name), asc(people.id))).map(personView);
}

const table = sluggedTable(people, { label: "Person", lower: "person" });
/** The person, or undefined: for pages that answer 404 themselves. */
export async function findPerson(db: Db, slug: string): Promise<PersonRow | undefined> {
  const [row] = await db.select().from(people).where(eq(people.slug, slug)).limit(1);
  return row;
}
export const getPerson = (db: Db, slug: string): Promise<PersonRow> => table.get(db, slug);
/** Resolves person slugs in the given order, naming the first unknown one as `${field}.${index}`. */
export const resolvePeople = (db: Db, slugs: string[], field: string): Promise<PersonRow[]> =>
  table.resolve(db, slugs, field);

export async function createPerson(deps: Deps, actor: Actor, input: PersonCreate) {
  const now = deps.clock.now();
  const id = deps.tokens.id("per");
  return withUniqueSlug(
    input.slug ?? slugify(input.name),
    "people.slug",
    async (slug) => {
      const row: PersonRow = {
        id,
        slug,
        name: input.name,
        title: input.title ?? null,
        affiliation: input.affiliation ?? null,
        bio: input.bio ?? null,
        photoUrl: input.photoUrl ?? null,
        createdAt: now,
        updatedAt: now,
      };
      await deps.db.batch([
        deps.db.insert(people).values(row),
        auditInsert(deps.db, now, actor, {
          action: "person.create",
          entityType: "person",
          entityId: id,
          after: row,
        }),
      ]);
      return row;
    },
    Boolean(input.slug),
  );
}

export async function updatePerson(deps: Deps, actor: Actor, slug: string, input: PersonUpdate) {
  const before = await getPerson(deps.db, slug);
  // Absent keys keep their value; null clears an optional field.
  const changes = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const after: PersonRow = { ...before, ...changes, updatedAt: deps.clock.now() };
  await deps.db.batch([
    deps.db
      .update(people)
      .set({
        name: after.name,
        title: after.title,
        affiliation: after.affiliation,
        bio: after.bio,
        photoUrl: after.photoUrl,
        updatedAt: after.updatedAt,
      })
      .where(eq(people.id, before.id)),
    auditInsert(deps.db, after.updatedAt, actor, {
      action: "person.update",
      entityType: "person",
      entityId: before.id,
      before,
      after,
    }),
  ]);
  return after;
}

export async function deletePerson(deps: Deps, actor: Actor, slug: string) {
  const before = await getPerson(deps.db, slug);
  const audit = auditInsert(deps.db, deps.clock.now(), actor, {
    action: "person.delete",
    entityType: "person",
    entityId: before.id,
    before,
  });
  await table.remove(
    deps.db,
    before.id,
    [audit],
    `Person ${slug} is still linked to events or briefs; detach them first.`,
  );
}
