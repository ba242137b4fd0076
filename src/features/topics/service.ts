import { asc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { topics } from "../../db/schema.js";
import { sluggedTable } from "../../db/slugged.js";
import type { Deps } from "../../deps.js";
import { slugify } from "../../lib/slug.js";
import { withUniqueSlug } from "../../lib/unique-slug.js";
import { type Actor, auditInsert } from "../audit/index.js";

export type TopicRow = typeof topics.$inferSelect;
export const topicView = (t: TopicRow) => ({ slug: t.slug, name: t.name });

export async function listTopics(db: Db) {
  return (await db.select().from(topics).orderBy(asc(topics.name))).map(topicView);
}

const table = sluggedTable(topics, { label: "Topic", lower: "topic" });
export const getTopic = (db: Db, slug: string): Promise<TopicRow> => table.get(db, slug);
/** The topic, or undefined: for pages that fall back to the slug. */
export async function findTopic(db: Db, slug: string): Promise<TopicRow | undefined> {
  const [row] = await db.select().from(topics).where(eq(topics.slug, slug));
  return row;
}
/** Resolves topic slugs in the given order, naming the first unknown one as `${field}.${index}`. */
export const resolveTopicIds = (db: Db, slugs: string[], field: string): Promise<TopicRow[]> =>
  table.resolve(db, slugs, field);

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
  const audit = auditInsert(deps.db, deps.clock.now(), actor, {
    action: "topic.delete",
    entityType: "topic",
    entityId: before.id,
    before,
  });
  await table.remove(
    deps.db,
    before.id,
    [audit],
    `Topic ${slug} is still attached to events or briefs; detach it first.`,
  );
}
