import { eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client.js";
import { isForeignKeyViolation } from "../../db/errors.js";
import { briefAuthors, briefs, briefTopics } from "../../db/schema.js";
import type { Deps } from "../../deps.js";
import { conflict } from "../../lib/problem.js";
import { slugify } from "../../lib/slug.js";
import { withUniqueSlug } from "../../lib/unique-slug.js";
import { type Actor, auditInsert } from "../audit/index.js";
import { type PersonRow, resolvePeople } from "../people/index.js";
import { resolveTopicIds, type TopicRow } from "../topics/index.js";
import {
  authorView,
  type BriefCreate,
  type BriefRow,
  type BriefUpdate,
  type BriefWithId,
  briefTable,
  briefView,
  getBriefWithLinks,
  type Links,
  topicViews,
} from "./queries.js";

type Stmt = BatchItem<"sqlite">;
/** Resolves authors and topics together; the first failure in field order is the one reported. */
async function resolveLinks(db: Db, input: { authors?: string[]; topics?: string[] }) {
  const [authors, topicRows] = await Promise.allSettled([
    input.authors ? resolvePeople(db, input.authors, "authors") : Promise.resolve(undefined),
    input.topics ? resolveTopicIds(db, input.topics, "topics") : Promise.resolve(undefined),
  ]);
  if (authors.status === "rejected") throw authors.reason;
  if (topicRows.status === "rejected") throw topicRows.reason;
  return { authors: authors.value, topics: topicRows.value };
}

/** Replaces the links given (undefined leaves that kind alone), for the same batch as the brief. */
function linkWrites(db: Db, briefId: string, authors?: PersonRow[], topicRows?: TopicRow[]): Stmt[] {
  const stmts: Stmt[] = [];
  if (authors) stmts.push(db.delete(briefAuthors).where(eq(briefAuthors.briefId, briefId)));
  if (authors?.length) {
    const rows = authors.map((p, position) => ({ briefId, personId: p.id, position }));
    stmts.push(db.insert(briefAuthors).values(rows));
  }
  if (topicRows) stmts.push(db.delete(briefTopics).where(eq(briefTopics.briefId, briefId)));
  if (topicRows?.length) {
    stmts.push(db.insert(briefTopics).values(topicRows.map((t) => ({ briefId, topicId: t.id }))));
  }
  return stmts;
}

// A brief, person or topic deleted between reading it and writing the links fails the FK check.
function staleLink(err: unknown): unknown {
  return isForeignKeyViolation(err)
    ? conflict("stale-reference", "Something this request refers to was deleted meanwhile; retry it.")
    : err;
}

const linkSlugs = (l: Links) => ({
  authors: l.authors.map((a) => a.slug),
  topics: l.topics.map((t) => t.slug),
});

export async function createBrief(deps: Deps, actor: Actor, input: BriefCreate): Promise<BriefWithId> {
  const resolved = await resolveLinks(deps.db, input);
  const links: Links = {
    authors: (resolved.authors ?? []).map(authorView),
    topics: topicViews(resolved.topics ?? []),
  };
  const now = deps.clock.now();
  const id = deps.tokens.id("brf");
  try {
    const row = await withUniqueSlug(
      input.slug ?? slugify(input.title),
      "briefs.slug",
      async (slug) => {
        const row: BriefRow = {
          id,
          slug,
          title: input.title,
          kind: input.kind,
          url: input.url ?? null,
          outlet: input.outlet ?? null,
          publishedOn: input.publishedOn ?? null,
          summary: input.summary ?? null,
          createdAt: now,
          updatedAt: now,
        };
        await deps.db.batch([
          deps.db.insert(briefs).values(row),
          ...linkWrites(deps.db, id, resolved.authors, resolved.topics),
          auditInsert(deps.db, now, actor, {
            action: "brief.create",
            entityType: "brief",
            entityId: id,
            after: { ...row, ...linkSlugs(links) },
          }),
        ]);
        return row;
      },
      Boolean(input.slug),
    );
    return { id: row.id, view: briefView(row, links) };
  } catch (err) {
    throw staleLink(err);
  }
}

export async function updateBrief(
  deps: Deps,
  actor: Actor,
  slug: string,
  input: BriefUpdate,
): Promise<BriefWithId> {
  // Read in parallel, but report an unknown brief (404) before an invalid link (422).
  const [found, linked] = await Promise.allSettled([
    getBriefWithLinks(deps.db, slug),
    resolveLinks(deps.db, input),
  ]);
  if (found.status === "rejected") throw found.reason;
  if (linked.status === "rejected") throw linked.reason;
  const [before, resolved] = [found.value, linked.value];
  const { authors: _a, topics: _t, ...fields } = input;
  // Absent keys keep their value; null clears an optional field.
  const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const row: BriefRow = { ...before.row, ...changes, updatedAt: deps.clock.now() };
  const links: Links = {
    authors: resolved.authors ? resolved.authors.map(authorView) : before.links.authors,
    topics: resolved.topics ? topicViews(resolved.topics) : before.links.topics,
  };
  const { id, slug: _slug, createdAt: _createdAt, ...editable } = row;
  try {
    await deps.db.batch([
      deps.db.update(briefs).set(editable).where(eq(briefs.id, id)),
      ...linkWrites(deps.db, id, resolved.authors, resolved.topics),
      auditInsert(deps.db, row.updatedAt, actor, {
        action: "brief.update",
        entityType: "brief",
        entityId: id,
        before: { ...before.row, ...linkSlugs(before.links) },
        after: { ...row, ...linkSlugs(links) },
      }),
    ]);
  } catch (err) {
    throw staleLink(err);
  }
  // Answers like a read (GET /briefs/{slug}), related events included.
  return { id, view: briefView(row, links) };
}

export async function deleteBrief(deps: Deps, actor: Actor, slug: string) {
  const before = await getBriefWithLinks(deps.db, slug);
  const audit = auditInsert(deps.db, deps.clock.now(), actor, {
    action: "brief.delete",
    entityType: "brief",
    entityId: before.row.id,
    before: { ...before.row, ...linkSlugs(before.links) },
  });
  // Author and topic links cascade; links from events are RESTRICT and fail the batch.
  await briefTable.remove(
    deps.db,
    before.row.id,
    [audit],
    `Brief ${slug} is still linked from events; detach it first.`,
  );
}
