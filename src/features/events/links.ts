import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { eventBriefs, eventPeople, eventTopics } from "../../db/schema.js";
import { invalidField } from "../../lib/problem.js";
import { resolveBriefs } from "../briefs/index.js";
import { resolvePeople } from "../people/index.js";
import { resolveTopicIds } from "../topics/index.js";
import type { Relations } from "./queries.js";
import type { EventCreateInput } from "./schemas.js";

type LinkInput = Partial<Pick<EventCreateInput, "topics" | "speakers" | "briefs">>;

export interface ResolvedLinks {
  topics?: { id: string; slug: string; name: string }[];
  speakers?: {
    id: string;
    role: Relations["speakers"][number]["role"];
    person: Omit<Relations["speakers"][number], "role">;
  }[];
  briefs?: {
    id: string;
    relation: Relations["briefs"][number]["relation"];
    brief: Omit<Relations["briefs"][number], "relation">;
  }[];
}

function rejectDuplicates(keys: string[], field: string, what: string) {
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    if (seen.has(k)) throw invalidField(`${field}.${i}`, `${what} is listed twice`);
    seen.add(k);
  });
}

/** Turns the slugs staff sent into rows, refusing unknown or repeated ones by field path. */
export async function resolveLinks(db: Db, input: LinkInput): Promise<ResolvedLinks> {
  const out: ResolvedLinks = {};
  if (input.topics) {
    rejectDuplicates(input.topics, "topics", "this topic");
    out.topics = (await resolveTopicIds(db, input.topics, "topics")).map((t) => ({
      id: t.id,
      slug: t.slug,
      name: t.name,
    }));
  }
  if (input.speakers) {
    const speakers = input.speakers;
    rejectDuplicates(
      speakers.map((s) => `${s.person}/${s.role}`),
      "speakers",
      "this person in this role",
    );
    const rows = await resolvePeople(
      db,
      speakers.map((s) => s.person),
      "speakers",
    );
    out.speakers = rows.map((p, i) => ({
      id: p.id,
      role: speakers[i]!.role,
      person: {
        slug: p.slug,
        name: p.name,
        title: p.title,
        affiliation: p.affiliation,
        photoUrl: p.photoUrl,
      },
    }));
  }
  if (input.briefs) {
    const links = input.briefs;
    rejectDuplicates(
      links.map((b) => `${b.brief}/${b.relation}`),
      "briefs",
      "this brief with this relation",
    );
    const rows = await resolveBriefs(
      db,
      links.map((b) => b.brief),
      "briefs",
    );
    out.briefs = rows.map((b, i) => ({
      id: b.id,
      relation: links[i]!.relation,
      brief: { slug: b.slug, title: b.title, kind: b.kind, url: b.url, publishedOn: b.publishedOn },
    }));
  }
  return out;
}

/** Statements that replace each given kind of link; kinds left undefined are untouched. */
export function linkStatements(db: Db, eventId: string, links: ResolvedLinks, replace: boolean) {
  const stmts = [];
  if (links.topics) {
    if (replace) stmts.push(db.delete(eventTopics).where(eq(eventTopics.eventId, eventId)));
    if (links.topics.length)
      stmts.push(db.insert(eventTopics).values(links.topics.map((t) => ({ eventId, topicId: t.id }))));
  }
  if (links.speakers) {
    if (replace) stmts.push(db.delete(eventPeople).where(eq(eventPeople.eventId, eventId)));
    if (links.speakers.length) {
      stmts.push(
        db
          .insert(eventPeople)
          .values(links.speakers.map((s, position) => ({ eventId, personId: s.id, role: s.role, position }))),
      );
    }
  }
  if (links.briefs) {
    if (replace) stmts.push(db.delete(eventBriefs).where(eq(eventBriefs.eventId, eventId)));
    if (links.briefs.length) {
      stmts.push(
        db
          .insert(eventBriefs)
          .values(
            links.briefs.map((b, position) => ({ eventId, briefId: b.id, relation: b.relation, position })),
          ),
      );
    }
  }
  return stmts;
}

/** The relations an event will have after a write, for the audit log's "after". */
export function mergeRelations(current: Relations, links: ResolvedLinks): Relations {
  return {
    topics: links.topics ? links.topics.map(({ slug, name }) => ({ slug, name })) : current.topics,
    speakers: links.speakers ? links.speakers.map((s) => ({ ...s.person, role: s.role })) : current.speakers,
    briefs: links.briefs ? links.briefs.map((b) => ({ ...b.brief, relation: b.relation })) : current.briefs,
  };
}
