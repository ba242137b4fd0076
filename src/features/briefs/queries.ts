import { and, asc, desc, eq, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type BRIEF_KINDS, briefAuthors, briefs, briefTopics } from "../../db/schema.js";
import { sluggedTable } from "../../db/slugged.js";
import { authorCard, type PersonRow, personIdOfSlug } from "../people/index.js";
import { type TopicRow, topicCard, topicIdOfSlug, topicSortKey } from "../topics/index.js";

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
export interface Links {
  authors: AuthorView[];
  topics: TopicView[];
}

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

export const authorView = (p: PersonRow): AuthorView => ({ slug: p.slug, name: p.name, title: p.title });
// Same order as the query below (binary collation), so a write answers exactly like a read.
const byName = (a: TopicView, b: TopicView) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.slug < b.slug ? -1 : a.slug > b.slug ? 1 : 0;
export const topicViews = (rows: TopicRow[]) =>
  rows.map((t) => ({ slug: t.slug, name: t.name })).sort(byName);

/** Authors (in their order) and topics (by name) of several briefs, in two queries. */
export async function loadLinks(db: Db, briefIds: string[]): Promise<Map<string, Links>> {
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

export const briefTable = sluggedTable(briefs, { label: "Brief", lower: "brief" });
export const getBrief = (db: Db, slug: string): Promise<BriefRow> => briefTable.get(db, slug);

export async function getBriefWithLinks(db: Db, slug: string): Promise<{ row: BriefRow; links: Links }> {
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
/** The briefs with these slugs that exist (any order): for callers that report misses themselves. */
export async function briefsWithSlugs(db: Db, slugs: string[]): Promise<BriefRow[]> {
  return slugs.length ? db.select().from(briefs).where(inArray(briefs.slug, slugs)) : [];
}

export const resolveBriefs = (db: Db, slugs: string[], field: string): Promise<BriefRow[]> =>
  briefTable.resolve(db, slugs, field);

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
