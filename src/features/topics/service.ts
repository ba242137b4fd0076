import { asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { isForeignKeyViolation } from "../../db/errors.js";
import { topics } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { conflict, invalidField, notFound } from "../../lib/problem.js";
import { slugify } from "../../lib/slug.js";
import { withUniqueSlug } from "../../lib/unique-slug.js";
import { type Actor, auditInsert } from "../audit/index.js";

export type TopicRow = typeof topics.$inferSelect;
export const topicView = (t: TopicRow) => ({ slug: t.slug, name: t.name });

export async function listTopics(db: Db) {
  return (await db.select().from(topics).orderBy(asc(topics.name))).map(topicView);
}

export async function getTopic(db: Db, slug: string): Promise<TopicRow> {
  const [row] = await db.select().from(topics).where(eq(topics.slug, slug));
  if (!row) throw notFound(`Topic ${slug}`);
  return row;
}

/** Resolves topic slugs to ids, naming the first unknown one as `${field}.${index}`. */
export async function resolveTopicIds(db: Db, slugs: string[], field: string): Promise<TopicRow[]> {
  if (slugs.length === 0) return [];
  const rows = await db.select().from(topics).where(inArray(topics.slug, slugs));
  const bySlug = new Map(rows.map((r) => [r.slug, r]));
  return slugs.map((s, i) => {
    const row = bySlug.get(s);
    if (!row) throw invalidField(`${field}.${i}`, `no topic with slug "${s}"`);
    return row;
  });
}

export async function createTopic(deps: Deps, actor: Actor, input: { name: string; slug?: string }) {
  const now = deps.clock.now();
  const id = deps.tokens.id("top");
  return withUniqueSlug(
    input.slug ?? slugify(input.name),
    "topics.slug",
    async (slug) => {
      const row = { id, slug, name: input.name, createdAt: now, updatedAt: now };
      await deps.db.batch([
        deps.db.insert(topics).values(row),
        auditInsert(deps.db, now, actor, {
          action: "topic.create",
          entityType: "topic",
          entityId: id,
          after: row,
        }),
      ]);
      return row;
    },
    Boolean(input.slug),
  );
}

export async function updateTopic(deps: Deps, actor: Actor, slug: string, input: { name?: string }) {
  const before = await getTopic(deps.db, slug);
  const after = { ...before, ...input, updatedAt: deps.clock.now() };
  await deps.db.batch([
    deps.db
      .update(topics)
      .set({ name: after.name, updatedAt: after.updatedAt })
      .where(eq(topics.id, before.id)),
    auditInsert(deps.db, after.updatedAt, actor, {
      action: "topic.update",
      entityType: "topic",
      entityId: before.id,
      before,
      after,
    }),
  ]);
  return after;
}

export async function deleteTopic(deps: Deps, actor: Actor, slug: string) {
  const before = await getTopic(deps.db, slug);
  try {
    await deps.db.batch([
      deps.db.delete(topics).where(eq(topics.id, before.id)),
      auditInsert(deps.db, deps.clock.now(), actor, {
        action: "topic.delete",
        entityType: "topic",
        entityId: before.id,
        before,
      }),
    ]);
  } catch (err) {
    if (isForeignKeyViolation(err)) {
      throw conflict("in-use", `Topic ${slug} is still attached to events or briefs; detach it first.`);
    }
    throw err;
  }
}
