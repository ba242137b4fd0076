import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { events, eventTopics } from "../../db/schema.js";
import { topicIdOfSlug, topicUpdatedAt } from "../topics/index.js";
import { type EventRow, loadRelations, type Relations } from "./queries.js";

/**
 * The events side of the calendar feeds (calendar/ renders, caches and answers; this reads).
 *
 * A feed holds published events that ended less than 30 days ago and cancelled events
 * cancelled less than 30 days ago. Its fingerprint is (count, sum of revisions, sum and max of
 * updated_at) over exactly those events: any edit of a member raises its revision and
 * updated_at; an event enters only through a write (publish, reschedule...) since the window
 * only ever loses events as time passes; an event that leaves lowers the count. The query reads
 * members only, with plain aggregates: it is what every request (and every 304) costs.
 */
export const FEED_WINDOW_MS = 30 * 86_400_000;

type Bound = SQL | number | ReturnType<typeof sql.placeholder>;
/** Written so that an index on (status, ends_at) can serve it. */
const inWindow = (since: Bound) =>
  sql`((${events.status} = 'published' AND ${events.endsAt} > ${since})
    OR (${events.status} = 'cancelled' AND coalesce(${events.cancelledAt}, ${events.updatedAt}) > ${since}))`;
/** When an event in scope leaves the feed by age: 30 days after its end, or after its cancellation. */
const agesOutAt = sql`((CASE WHEN ${events.status} = 'cancelled' THEN coalesce(${events.cancelledAt}, ${events.updatedAt})
  ELSE ${events.endsAt} END) + ${FEED_WINDOW_MS})`;
const inScope = sql`${events.status} IN ('published', 'cancelled')`;

/**
 * Feed members of a window starting at `since`, as a row source `(id, revision, updated_at,
 * starts_at, ages_out_at)` for another feature's statement (registrations' personal feeds).
 */
export const feedMembers = (since: SQL | number) =>
  sql`(SELECT ${events.id} AS id, ${events.revision} AS revision, ${events.updatedAt} AS updated_at,
        ${events.startsAt} AS starts_at, ${agesOutAt} AS ages_out_at FROM ${events} WHERE ${inWindow(since)})`;
/** Every event that can be in a feed (published or cancelled), as the same row source. */
export const feedScope = sql`(SELECT ${events.id} AS id, ${events.updatedAt} AS updated_at,
  ${agesOutAt} AS ages_out_at FROM ${events} WHERE ${inScope})`;

const since = sql.placeholder("since");
const nowMs = sql.placeholder("now");
const memberAggregates = {
  n: sql<number>`count(${events.id})`,
  rev: sql<number>`coalesce(sum(${events.revision}), 0)`,
  upd: sql<number>`coalesce(sum(${events.updatedAt}), 0)`,
  last: sql<number | null>`max(${events.updatedAt})`,
};
/** Members that aged out after their last change left the feed then. */
const agedOut = sql<
  number | null
>`max(CASE WHEN ${agesOutAt} <= ${nowMs} AND ${agesOutAt} > ${events.updatedAt} THEN ${agesOutAt} END)`;
const ofTopic = (slug: SQL) =>
  inArray(
    events.id,
    sql`(SELECT ${eventTopics.eventId} FROM ${eventTopics} WHERE ${eventTopics.topicId} = ${topicIdOfSlug(slug)})`,
  );

/** Prepared statements for one database handle. */
export class EventFeedReads {
  readonly all;
  readonly allLeft;
  readonly topic;
  readonly topicLeft;
  private readonly eventBySlug;
  private readonly eventById;

  constructor(db: Db) {
    const slug = sql`${sql.placeholder("slug")}`;
    this.all = db
      .select({ ...memberAggregates, nextOut: sql<number | null>`min(${agesOutAt})` })
      .from(events)
      .where(inWindow(since))
      .prepare();
    this.allLeft = db.select({ left: agedOut }).from(events).where(inScope).prepare();
    // One row whatever happens (no GROUP BY); a NULL topicUpdated says there is no such topic.
    this.topic = db
      .select({ topicUpdated: sql<number | null>`${topicUpdatedAt(slug)}`, ...memberAggregates })
      .from(events)
      .where(and(inWindow(since), ofTopic(slug)))
      .prepare();
    this.topicLeft = db
      .select({ left: agedOut })
      .from(events)
      .where(and(inScope, ofTopic(slug)))
      .prepare();
    const columns = {
      id: events.id,
      revision: events.revision,
      status: events.status,
      updatedAt: sql<number>`${events.updatedAt}`,
    };
    const key = sql.placeholder("key");
    this.eventBySlug = db.select(columns).from(events).where(eq(events.slug, key)).prepare();
    this.eventById = db.select(columns).from(events).where(eq(events.id, key)).prepare();
  }

  /** One event's version: id, revision, status and updatedAt (epoch ms). */
  async event(idOrSlug: string) {
    const query = idOrSlug.startsWith("evt_") ? this.eventById : this.eventBySlug;
    const [r] = await query.all({ key: idOrSlug });
    return r ? { ...r, updatedAt: Number(r.updatedAt) } : undefined;
  }
}

const reads = new WeakMap<Db, EventFeedReads>();
export function eventFeedReads(db: Db): EventFeedReads {
  let r = reads.get(db);
  if (!r) {
    r = new EventFeedReads(db);
    reads.set(db, r);
  }
  return r;
}

export interface FeedEvent {
  row: EventRow;
  rel: Relations;
}

export const feedOrder = [asc(events.startsAt), asc(events.id)];

/** Relations in chunks: D1 allows 100 bound parameters a statement. */
export async function withRelations<T extends { row: EventRow }>(
  db: Db,
  items: T[],
): Promise<(T & FeedEvent)[]> {
  const ids = items.map((i) => i.row.id);
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 90) chunks.push(ids.slice(i, i + 90));
  const maps = await Promise.all(chunks.map((c) => loadRelations(db, c)));
  const rel = new Map(maps.flatMap((m) => [...m]));
  return items.map((i) => ({ ...i, rel: rel.get(i.row.id)! }));
}

/** Members of /calendar.ics (or of a topic's feed), in start order, with relations. */
export async function loadFeedEvents(db: Db, now: Date, topicSlug?: string) {
  const window = inWindow(now.getTime() - FEED_WINDOW_MS);
  const rows = await db
    .select()
    .from(events)
    .where(topicSlug ? and(window, ofTopic(sql`${topicSlug}`)) : window)
    .orderBy(...feedOrder);
  return withRelations(
    db,
    rows.map((row) => ({ row })),
  );
}

/** Full rows of the given events in feed order (an attendee's feed: ids from registrations). */
export async function loadFeedRows(db: Db, ids: string[]): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for (let i = 0; i < ids.length; i += 90) {
    out.push(
      ...(await db
        .select()
        .from(events)
        .where(inArray(events.id, ids.slice(i, i + 90)))),
    );
  }
  return out;
}
