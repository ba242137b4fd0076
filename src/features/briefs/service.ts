import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../../db/client.js";
import { isForeignKeyViolation } from "../../db/errors.js";
import { type BRIEF_KINDS, briefAuthors, briefs, briefTopics } from "../../db/schema.js";
import { sluggedTable } from "../../db/slugged.js";
import type { Deps } from "../../deps.js";
import { conflict } from "../../lib/problem.js";
import { slugify } from "../../lib/slug.js";
import { withUniqueSlug } from "../../lib/unique-slug.js";
import { type Actor, auditInsert } from "../audit/index.js";
import { authorCard, type PersonRow, personIdOfSlug, resolvePeople } from "../people/index.js";
import { resolveTopicIds, type TopicRow, topicCard, topicIdOfSlug, topicSortKey } from "../topics/index.js";

export type BriefRow = typeof briefs.$inferSelect;
export type BriefKind = (typeof BRIEF_KINDS)[number];

interface BriefFields {
  kind?: BriefKind;
  url?: string | null;
  outlet?: string | null;
  publishedOn?: string | null;
  summary?: string | null;
  authors?: string[];
  topics?: string[];
}
export type BriefCreate = BriefFields & { title: string; slug?: string; kind: BriefKind };
export type BriefUpdate = BriefFields & { title?: string };

type AuthorView = { slug: string; name: string; title: string | null };
type TopicView = { slug: string; name: string };
interface Links {
  authors: AuthorView[];
  topics: TopicView[];
}
type Stmt = BatchItem<"sqlite">;

export const briefView = (b: BriefRow, links: Links) => ({
  slug: b.slug,
  title: b.title,
  kind: b.kind,
  url: b.url,
  outlet: b.outlet,
  publishedOn: b.publishedOn,
  summary: b.summary,
  authors: links.authors,
  topics: links.topics,
});
export type BriefView = ReturnType<typeof briefView>;

const authorView = (p: PersonRow): AuthorView => ({ slug: p.slug, name: p.name, title: p.title });
// Same order as the query below (binary collation), so a write answers exactly like a read.
const byName = (a: TopicView, b: TopicView) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
const topicViews = (rows: TopicRow[]) => rows.map((t) => ({ slug: t.slug, name: t.name })).sort(byName);

/** Authors (in their order) and topics (by name) of several briefs, in two queries. */
async function loadLinks(db: Db, briefIds: string[]): Promise<Map<string, Links>> {
  const links = new Map<string, Links>(briefIds.map((id) => [id, { authors: [], topics: [] }]));
  if (briefIds.length === 0) return links;
  // Cards come from their owners' fragments: only people names `people`, only topics `topics`.
  const [authorRows, topicRows] = await Promise.all([
    db
      .select({
        briefId: briefAuthors.briefId,
        card: sql<string>`${authorCard(sql`${briefAuthors.personId}`)}`,
      })
      .from(briefAuthors)
      .where(inArray(briefAuthors.briefId, briefIds))
      .orderBy(asc(briefAuthors.position)),
    db
      .select({ briefId: briefTopics.briefId, card: sql<string>`${topicCard(sql`${briefTopics.topicId}`)}` })
      .from(briefTopics)
      .where(inArray(briefTopics.briefId, briefIds))
      .orderBy(topicSortKey(sql`${briefTopics.topicId}`)),
  ]);
  for (const { briefId, card } of authorRows) links.get(briefId)!.authors.push(JSON.parse(card));
  for (const { briefId, card } of topicRows) links.get(briefId)!.topics.push(JSON.parse(card));
  return links;
}

const table = sluggedTable(briefs, { label: "Brief", lower: "brief" });
export const getBrief = (db: Db, slug: string): Promise<BriefRow> => table.get(db, slug);

async function getBriefWithLinks(db: Db, slug: string): Promise<{ row: BriefRow; links: Links }> {
  const row = await getBrief(db, slug);
  return { row, links: (await loadLinks(db, [row.id])).get(row.id)! };
}

export async function getBriefView(db: Db, slug: string): Promise<BriefView> {
  const { row, links } = await getBriefWithLinks(db, slug);
  return briefView(row, links);
}

/** A brief as the API shows it, with its id for what the composition adds (related events). */
export interface BriefWithId {
  id: string;
  view: BriefView;
}

/** The public read of a brief; routes add its related events (the archive's, given at composition). */
export async function readBrief(db: Db, slug: string): Promise<BriefWithId> {
  const { row, links } = await getBriefWithLinks(db, slug);
  return { id: row.id, view: briefView(row, links) };
}

/** Resolves brief slugs in the given order, naming the first unknown one as `${field}.${index}`. */
export const resolveBriefs = (db: Db, slugs: string[], field: string): Promise<BriefRow[]> =>
  table.resolve(db, slugs, field);

// Briefs without a date sort after all dated ones (as "" < any date), in both order and cursor.
const dateKey = sql<string>`coalesce(${briefs.publishedOn}, '')`;

/** The keyset of the last row of a page, sent as "2026-01-05~brf_..." ("~brf_..." if undated). */
export interface BriefCursor {
  publishedOn: string;
  id: string;
}
export const encodeCursor = (c: BriefCursor) => `${c.publishedOn}~${c.id}`;
export function decodeCursor(value: string): BriefCursor | null {
  const m = /^(\d{4}-\d{2}-\d{2}|)~(\w{1,100})$/.exec(value);
  return m ? { publishedOn: m[1]!, id: m[2]! } : null;
}

export interface BriefFilter {
  topic?: string;
  author?: string;
  kind?: BriefKind;
  limit: number;
  cursor?: BriefCursor;
}

/** Newest first, paged by (publishedOn, id) so inserts between pages cause no duplicates or skips. */
export async function listBriefs(db: Db, f: BriefFilter) {
  const conditions: (SQL | undefined)[] = [
    f.kind ? eq(briefs.kind, f.kind) : undefined,
    f.topic
      ? inArray(
          briefs.id,
          db
            .select({ id: briefTopics.briefId })
            .from(briefTopics)
            .where(eq(briefTopics.topicId, topicIdOfSlug(f.topic))),
        )
      : undefined,
    f.author
      ? inArray(
          briefs.id,
          db
            .select({ id: briefAuthors.briefId })
            .from(briefAuthors)
            .where(eq(briefAuthors.personId, personIdOfSlug(f.author))),
        )
      : undefined,
    f.cursor
      ? or(
          lt(dateKey, f.cursor.publishedOn),
          and(eq(dateKey, f.cursor.publishedOn), lt(briefs.id, f.cursor.id)),
        )
      : undefined,
  ];
  const rows = await db
    .select()
    .from(briefs)
    .where(and(...conditions))
    .orderBy(desc(dateKey), desc(briefs.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const links = await loadLinks(
    db,
    page.map((r) => r.id),
  );
  const last = page.at(-1);
  return {
    data: page.map((r) => briefView(r, links.get(r.id)!)),
    nextCursor:
      rows.length > f.limit && last
        ? encodeCursor({ publishedOn: last.publishedOn ?? "", id: last.id })
        : null,
  };
}

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
  await table.remove(
    deps.db,
    before.row.id,
    [audit],
    `Brief ${slug} is still linked from events; detach it first.`,
  );
}
