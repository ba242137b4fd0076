import { and, asc, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { accessTokens, attendees, events, eventTopics, registrations, topics } from "../../db/schema.js";
import {
  type EventRow,
  eventsChangeCount,
  type Kept,
  loadRelations,
  type Relations,
  stillHolds,
} from "../events/index.js";

/**
 * What goes into each feed, and the one cheap query per request that tells whether it changed.
 *
 * A public feed holds published events that ended less than 30 days ago and cancelled events
 * cancelled less than 30 days ago. Its fingerprint is (count, sum of revisions, sum and max of
 * updated_at) over exactly those events: any edit of a member raises its revision and
 * updated_at; an event enters only through a write (publish, reschedule...) since the window
 * only ever loses events as time passes; an event that leaves lowers the count. Edits of
 * events outside the feed (drafts, old archive events, other topics) change none of it. The
 * query reads members only, with plain aggregates: it is what every request (and every 304)
 * costs.
 *
 * Last-Modified is the latest instant the content changed: the newest change of a member, or
 * the moment a member aged out of the window unchanged (its 30 days ran out after its last
 * write), or a registration's cancellation (personal feeds). That second, costlier query runs
 * only for full answers and If-Modified-Since, once per fingerprint (see FeedCache). An event
 * that leaves through a write (a topic removed, a reschedule to more than 30 days ago) changes
 * the ETag but not Last-Modified; If-None-Match, which calendar apps send, takes precedence.
 */
export const WINDOW_MS = 30 * 86_400_000;
const SCOPE = ["published", "cancelled"] as const;

type Bound = SQL | number | ReturnType<typeof sql.placeholder>;
/** Written so that an index on (status, ends_at) can serve it. */
const inWindow = (since: Bound) =>
  sql`((${events.status} = 'published' AND ${events.endsAt} > ${since})
    OR (${events.status} = 'cancelled' AND coalesce(${events.cancelledAt}, ${events.updatedAt}) > ${since}))`;
/** When an event in scope leaves the feed by age: 30 days after its end, or after its cancellation. */
const agesOutAt = sql`((CASE WHEN ${events.status} = 'cancelled' THEN coalesce(${events.cancelledAt}, ${events.updatedAt})
  ELSE ${events.endsAt} END) + ${WINDOW_MS})`;
const inScope = sql`${events.status} IN ('published', 'cancelled')`;

export interface Version {
  /** Changes exactly when the rendered content would (together with the feed's key). */
  fingerprint: string;
  /** Epoch ms of the newest change of a member (or of the topic), null for an empty feed. */
  last: number | null;
}

export const fingerprint = (parts: (number | string | null | undefined)[]) =>
  parts.map((p) => (p === null || p === undefined ? "-" : String(p))).join(".");

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
export const latest = (...xs: (number | null)[]) =>
  xs.reduce<number | null>((a, x) => (x === null ? a : a === null ? x : Math.max(a, x)), null);

const since = sql.placeholder("since");
const nowMs = sql.placeholder("now");
const present = sql`${events.id} IS NOT NULL`;

const memberAggregates = {
  n: sql<number>`count(${events.id})`,
  rev: sql<number>`coalesce(sum(${events.revision}), 0)`,
  upd: sql<number>`coalesce(sum(${events.updatedAt}), 0)`,
  last: sql<number | null>`max(${events.updatedAt})`,
};

/** Members that aged out after their last change (at `changedAt`) left the feed then. */
const agedOut = (changedAt: SQL) =>
  sql<
    number | null
  >`max(CASE WHEN ${agesOutAt} <= ${nowMs} AND ${agesOutAt} > ${changedAt} THEN ${agesOutAt} END)`;

/** Prepared queries for one database handle. */
export class VersionQueries {
  private readonly all;
  /**
   * The all-events version as last read, until the events change count moves or its first
   * member ages out: the members and their revisions are the same until then.
   */
  private allVersion: Kept<Version> | undefined;
  private readonly allLeft;
  private readonly topic;
  private readonly topicLeft;
  private readonly personal;
  private readonly personalLeft;
  private readonly eventBySlug;
  private readonly eventById;

  constructor(private readonly db: Db) {
    this.all = db
      .select({ ...memberAggregates, nextOut: sql<number | null>`min(${agesOutAt})` })
      .from(events)
      .where(inWindow(since))
      .prepare();
    this.allLeft = db
      .select({ left: agedOut(sql`${events.updatedAt}`) })
      .from(events)
      .where(inScope)
      .prepare();

    const topicEvents = db
      .select({ id: eventTopics.eventId })
      .from(eventTopics)
      .innerJoin(topics, eq(topics.id, eventTopics.topicId))
      .where(eq(topics.slug, sql.placeholder("slug")));
    this.topic = db
      .select({ name: topics.name, topicUpdated: sql<number>`${topics.updatedAt}`, ...memberAggregates })
      .from(topics)
      .leftJoin(eventTopics, eq(eventTopics.topicId, topics.id))
      .leftJoin(events, and(eq(events.id, eventTopics.eventId), inWindow(since)))
      .where(eq(topics.slug, sql.placeholder("slug")))
      .groupBy(topics.id)
      .prepare();
    this.topicLeft = db
      .select({ left: agedOut(sql`${events.updatedAt}`) })
      .from(events)
      .where(and(inScope, inArray(events.id, topicEvents)))
      .prepare();

    const token = and(
      eq(accessTokens.hash, sql.placeholder("hash")),
      eq(accessTokens.kind, "feed"),
      isNull(accessTokens.revokedAt),
    );
    const owner = and(eq(attendees.id, accessTokens.attendeeId), isNull(attendees.erasedAt));
    this.personal = db
      .select({
        attendeeId: attendees.id,
        ...memberAggregates,
        last: sql<number | null>`max(max(${events.updatedAt}, ${registrations.updatedAt}))`,
        confirmed: sql<number>`coalesce(sum(CASE WHEN ${present} AND ${registrations.status} = 'confirmed' THEN 1 ELSE 0 END), 0)`,
        regUpd: sql<number>`coalesce(sum(CASE WHEN ${present} THEN ${registrations.updatedAt} END), 0)`,
      })
      .from(accessTokens)
      .innerJoin(attendees, owner)
      .leftJoin(
        registrations,
        and(
          eq(registrations.attendeeId, attendees.id),
          inArray(registrations.status, ["confirmed", "waitlisted"]),
        ),
      )
      .leftJoin(events, and(eq(events.id, registrations.eventId), inWindow(since)))
      .where(token)
      .groupBy(attendees.id)
      .prepare();
    this.personalLeft = db
      .select({
        left: sql<number | null>`max(CASE WHEN ${registrations.status} IN ('confirmed', 'waitlisted') THEN
          (CASE WHEN ${agesOutAt} <= ${nowMs} AND ${agesOutAt} > max(${events.updatedAt}, ${registrations.updatedAt})
           THEN ${agesOutAt} END) END)`,
        // A registration cancelled while its event was in the feed took it out at that moment.
        regLeft: sql<number | null>`max(CASE WHEN ${registrations.status} = 'cancelled'
          AND ${agesOutAt} > ${registrations.cancelledAt} THEN ${registrations.cancelledAt} END)`,
      })
      .from(accessTokens)
      .innerJoin(attendees, owner)
      .innerJoin(registrations, eq(registrations.attendeeId, attendees.id))
      .innerJoin(events, and(eq(events.id, registrations.eventId), inScope))
      .where(token)
      .prepare();

    const eventColumns = {
      id: events.id,
      revision: events.revision,
      status: events.status,
      updatedAt: sql<number>`${events.updatedAt}`,
    };
    this.eventBySlug = db
      .select(eventColumns)
      .from(events)
      .where(eq(events.slug, sql.placeholder("key")))
      .prepare();
    this.eventById = db
      .select(eventColumns)
      .from(events)
      .where(eq(events.id, sql.placeholder("key")))
      .prepare();
  }

  /**
   * The feed every calendar app polls. Its version aggregates over every member (500 events:
   * most of a 304's cost), so it is kept while the trigger-kept events count stays the same
   * and no member has aged out: one row read instead. The count is read first, so a version
   * kept is never older than the count it is kept under.
   */
  async allEvents(now: Date): Promise<Version> {
    const at = now.getTime();
    const count = await eventsChangeCount(this.db);
    if (stillHolds(this.allVersion, count, at)) return this.allVersion.value;
    const [r] = await this.all.all({ since: at - WINDOW_MS });
    const version = { fingerprint: fingerprint([r?.n, r?.rev, r?.upd, num(r?.last)]), last: num(r?.last) };
    const validUntil = num(r?.nextOut) ?? Number.POSITIVE_INFINITY;
    this.allVersion = count === null ? undefined : { count, readAt: at, validUntil, value: version };
    return version;
  }

  async allEventsLeft(now: Date): Promise<number | null> {
    const [r] = await this.allLeft.all({ now: now.getTime() });
    return num(r?.left);
  }

  async topicEvents(slug: string, now: Date): Promise<Version | null> {
    const [r] = await this.topic.all({ slug, since: now.getTime() - WINDOW_MS });
    if (!r) return null;
    return {
      fingerprint: fingerprint([r.n, r.rev, r.upd, num(r.last), num(r.topicUpdated)]),
      last: latest(num(r.last), num(r.topicUpdated)),
    };
  }

  async topicEventsLeft(slug: string, now: Date): Promise<number | null> {
    const [r] = await this.topicLeft.all({ slug, now: now.getTime() });
    return num(r?.left);
  }

  async personalEvents(tokenHash: string, now: Date): Promise<(Version & { attendeeId: string }) | null> {
    const [r] = await this.personal.all({ hash: tokenHash, since: now.getTime() - WINDOW_MS });
    if (!r) return null;
    return {
      attendeeId: r.attendeeId,
      fingerprint: fingerprint([r.n, r.rev, r.upd, num(r.last), r.confirmed, r.regUpd]),
      last: num(r.last),
    };
  }

  async personalEventsLeft(tokenHash: string, now: Date): Promise<number | null> {
    const [r] = await this.personalLeft.all({ hash: tokenHash, now: now.getTime() });
    return latest(num(r?.left), num(r?.regLeft));
  }

  async event(idOrSlug: string) {
    const query = idOrSlug.startsWith("evt_") ? this.eventById : this.eventBySlug;
    const [r] = await query.all({ key: idOrSlug });
    return r ? { ...r, updatedAt: Number(r.updatedAt) } : undefined;
  }
}

// ---- What the renderer reads (only on a cache miss) ----

export interface FeedEvent {
  row: EventRow;
  rel: Relations;
}

const order = [asc(events.startsAt), asc(events.id)];

/** Relations in chunks: D1 allows 100 bound parameters a statement. */
async function withRelations<T extends { row: EventRow }>(db: Db, items: T[]): Promise<(T & FeedEvent)[]> {
  const ids = items.map((i) => i.row.id);
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += 90) chunks.push(ids.slice(i, i + 90));
  const maps = await Promise.all(chunks.map((c) => loadRelations(db, c)));
  const rel = new Map(maps.flatMap((m) => [...m]));
  return items.map((i) => ({ ...i, rel: rel.get(i.row.id)! }));
}

/** Members of /calendar.ics (or of a topic's feed), in start order, with the same fingerprint parts. */
export async function loadEvents(db: Db, now: Date, topicSlug?: string) {
  const window = inWindow(now.getTime() - WINDOW_MS);
  const rows = await db
    .select()
    .from(events)
    .where(
      topicSlug
        ? and(
            window,
            inArray(
              events.id,
              db
                .select({ id: eventTopics.eventId })
                .from(eventTopics)
                .innerJoin(topics, eq(topics.id, eventTopics.topicId))
                .where(eq(topics.slug, topicSlug)),
            ),
          )
        : window,
    )
    .orderBy(...order);
  const items = await withRelations(
    db,
    rows.map((row) => ({ row })),
  );
  return { items, parts: eventParts(rows) };
}

function eventParts(
  rows: EventRow[],
  changedAt: (r: EventRow, i: number) => number = (r) => r.updatedAt.getTime(),
) {
  let last: number | null = null;
  rows.forEach((r, i) => {
    last = Math.max(last ?? 0, changedAt(r, i));
  });
  return [
    rows.length,
    rows.reduce((s, r) => s + r.revision, 0),
    rows.reduce((s, r) => s + r.updatedAt.getTime(), 0),
    last,
  ];
}

export async function loadTopic(db: Db, slug: string) {
  const [t] = await db.select().from(topics).where(eq(topics.slug, slug));
  return t;
}

export interface PersonalItem extends FeedEvent {
  registrationId: string;
  status: "confirmed" | "waitlisted";
  registrationUpdatedAt: Date;
}

/** An attendee's active registrations whose events are in the window, in start order. */
export async function loadPersonal(db: Db, attendeeId: string, now: Date) {
  const rows = await db
    .select({
      row: events,
      registrationId: registrations.id,
      status: registrations.status,
      registrationUpdatedAt: registrations.updatedAt,
    })
    .from(registrations)
    .innerJoin(events, eq(events.id, registrations.eventId))
    .where(
      and(
        eq(registrations.attendeeId, attendeeId),
        inArray(registrations.status, ["confirmed", "waitlisted"]),
        inArray(events.status, [...SCOPE]),
        inWindow(now.getTime() - WINDOW_MS),
      ),
    )
    .orderBy(...order);
  const items = (await withRelations(db, rows)) as PersonalItem[];
  const parts = [
    ...eventParts(
      rows.map((r) => r.row),
      (r, i) => Math.max(r.updatedAt.getTime(), rows[i]!.registrationUpdatedAt.getTime()),
    ),
    rows.filter((r) => r.status === "confirmed").length,
    rows.reduce((s, r) => s + r.registrationUpdatedAt.getTime(), 0),
  ];
  return { items, parts };
}
