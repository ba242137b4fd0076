import { sql } from "drizzle-orm";
import { sqlAll, sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { INVOCATION_QUERY_SHARE } from "../../lib/budgets.js";
import { eventHasStatus, eventValue, findEvent, leadMs } from "../events/index.js";
import { enqueue } from "../outbox/index.js";
import { reminderAudience } from "../registrations/index.js";

/**
 * Turning due reminders into outbox messages. A reminder row is claimed atomically (one UPDATE
 * ... WHERE id IN (SELECT ...) RETURNING) with a lease, then its registrants are walked by id in
 * batches of FANOUT_BATCH: each batch queues one outbox message per registrant and advances the
 * row's cursor in the same atomic batch, conditional on still holding the claim. The messages'
 * dedupe keys name the registration, the offset and the due instant, so a run that crashes
 * mid-way, a second run taking over after the lease, or two runs at once queue nothing twice.
 */
export const REMINDER_LEASE_MS = 10 * 60_000;
export const FANOUT_BATCH = 500;
/**
 * Pages (one round trip, two D1 queries each) a run may fan out: a quarter of a Worker
 * invocation's query share (src/lib/budgets.ts), 31,000 registrants. A reminder the budget stops
 * mid-way is handed back with its cursor (status 'scheduled', no claim), so the next run goes on
 * from there at once rather than after its lease; the Node scheduler runs again at once then.
 */
export const FANOUT_PAGES_PER_RUN = Math.floor(INVOCATION_QUERY_SHARE / 4 / 2);
/**
 * The "starting now" note (PT0S) is due at the start itself, so it always goes out a little after
 * it (the cron ticks once a minute). It counts as on time up to this long after the start; every
 * other reminder is skipped once the event has started.
 */
export const STARTING_NOW_GRACE_MS = 10 * 60_000;

export interface ClaimedReminder {
  id: string;
  eventId: string;
  kind: "before_start" | "recording";
  offsetIso: string;
  dueAt: number;
  cursor: string | null;
  claimId: string;
}

export interface FanoutReport {
  claimed: number;
  /** Handed back unfinished, the run's page budget used: the next run goes on with them. */
  paused: number;
  /** Registrants walked (messages queued, less any a previous run had queued already). */
  queued: number;
  done: number;
  skipped: number;
}

/** The last moment a reminder may still reach anyone: the start, or the grace of "starting now". */
export function sendableUntil(
  r: { kind: string; offsetIso: string },
  ev: { startsAt: Date; endsAt: Date; timeZone: string },
): number {
  if (r.kind === "recording") return Number.POSITIVE_INFINITY;
  if (leadMs(ev.startsAt, ev.timeZone, r.offsetIso) > 0) return ev.startsAt.getTime();
  return Math.min(ev.startsAt.getTime() + STARTING_NOW_GRACE_MS, ev.endsAt.getTime());
}

export async function claimDueReminders(
  deps: Pick<Deps, "db" | "tokens" | "clock">,
  now: Date,
  limit: number,
): Promise<ClaimedReminder[]> {
  const at = now.getTime();
  const claimId = deps.tokens.id("clm");
  const until = Math.max(at, deps.clock.now().getTime()) + REMINDER_LEASE_MS;
  const rows = await sqlAll<Record<string, unknown>>(
    deps.db,
    sql`UPDATE reminders SET status = 'fanning', claim_id = ${claimId}, claimed_until = ${until}, updated_at = ${at}
        WHERE id IN (
          SELECT r.id FROM reminders r
          WHERE r.due_at <= ${at} AND ${eventHasStatus(sql`r.event_id`, "published")}
            AND (r.status = 'scheduled' OR (r.status = 'fanning' AND r.claimed_until < ${at}))
            AND (r.kind <> 'recording' OR ${eventValue(sql`r.event_id`, "ends_at")} <= ${at})
          ORDER BY r.due_at, r.id
          LIMIT ${limit})
        RETURNING id, event_id, kind, offset_iso, due_at, cursor`,
  );
  return rows.map((r) => ({
    id: String(r.id),
    eventId: String(r.event_id),
    kind: r.kind === "recording" ? "recording" : "before_start",
    offsetIso: String(r.offset_iso),
    dueAt: Number(r.due_at),
    cursor: r.cursor === null ? null : String(r.cursor),
    claimId,
  }));
}

/**
 * What a run gives fan-out: pages it may still walk (shared by every reminder of the run), and
 * what to do after each page (the Worker queues what is due meanwhile, so sending starts while
 * a large fan-out goes on: jobs/due-work.ts).
 */
export interface FanoutRun {
  pages: { left: number };
  afterPage?: (walked: number) => Promise<void>;
}

/** Fans out one claimed reminder: skipped if its last moment passed, else queued in batches. */
export async function fanOut(
  deps: Pick<Deps, "db" | "clock">,
  r: ClaimedReminder,
  now: Date,
  counted: { queued: number } = { queued: 0 },
  run: FanoutRun = { pages: { left: Number.POSITIVE_INFINITY } },
): Promise<"done" | "skipped" | "lost" | "paused"> {
  const { db } = deps;
  const mine = sql`id = ${r.id} AND claim_id = ${r.claimId}`;
  const event = await findEvent(db, r.eventId);
  if (!event) return "lost";
  if (now.getTime() >= sendableUntil(r, event)) {
    const reason = r.cursor
      ? "the event started before all its messages were queued; the rest were not sent"
      : "the service was not running between its moment and the event's start; nothing was sent";
    const marked = await sqlAll(
      db,
      sql`UPDATE reminders SET status = 'skipped', skip_reason = ${reason}, claim_id = NULL,
                               claimed_until = NULL, done_at = ${now.getTime()}, updated_at = ${now.getTime()}
          WHERE ${mine} RETURNING id`,
    );
    return marked.length ? "skipped" : "lost";
  }
  const recording = r.kind === "recording";
  // Who gets it: confirmed at the due moment (registrations made after it do not), and still
  // confirmed and not opted out now. The recording notice goes to every confirmed registrant.
  const audience = reminderAudience(r.eventId, recording ? null : r.dueAt);
  const template = recording ? "recording.available" : "event.reminder";
  const dedupe = recording
    ? sql`'reg:' || r.id || ':recording'`
    : sql`'reg:' || r.id || ':reminder:' || ${r.offsetIso} || ':' || ${String(r.dueAt)}`;
  // (The due instant goes into the key as text: a bound JS number may reach SQLite as a REAL and
  // print as "...000.0".)
  let cursor = r.cursor ?? "";
  // Messages are due at the run's `now`, so this same run's dispatch (which claims what is due
  // at `now`) sends them, instead of the next tick.
  for (;;) {
    const at = Math.max(now.getTime(), deps.clock.now().getTime());
    if (run.pages.left <= 0) {
      // Handed back as it stands: the cursor stays, so the next claim goes on from there.
      const released = await sqlAll(
        db,
        sql`UPDATE reminders SET status = 'scheduled', claim_id = NULL, claimed_until = NULL, updated_at = ${at}
            WHERE ${mine} RETURNING id`,
      );
      return released.length ? "paused" : "lost";
    }
    run.pages.left--;
    // The page is the next FANOUT_BATCH registrants after the cursor, bounded by its last id, in
    // the statements themselves: one round trip a page (on D1 each one is a network hop). The
    // INSERT and the UPDATE read the same page (one batch, and queuing changes no registration).
    const page = sql`SELECT r.id FROM ${audience} r WHERE r.id > ${cursor} ORDER BY r.id LIMIT ${FANOUT_BATCH}`;
    const last = sql`(SELECT max(p.id) FROM (${page}) p)`;
    const [, moved] = await sqlBatch(db, [
      enqueue(
        sql`SELECT ${dedupe} AS dedupe_key, ${template} AS template,
                   json_object('registrationId', r.id, 'reminderId', ${r.id}, 'offset', ${r.offsetIso}, 'dueAt', CAST(${r.dueAt} AS INTEGER)) AS params,
                   r.event_id, r.id AS registration_id, ${r.id} AS reminder_id
            FROM ${audience} r
            WHERE r.id > ${cursor} AND r.id <= ${last}
              AND EXISTS (SELECT 1 FROM reminders WHERE ${mine})`,
        { at: new Date(at), dueAt: now },
      ),
      sql`UPDATE reminders SET cursor = coalesce(${last}, cursor), claimed_until = ${at + REMINDER_LEASE_MS}, updated_at = ${at}
          WHERE ${mine} RETURNING cursor, (SELECT count(*) FROM (${page})) AS walked`,
    ]);
    const [step] = (moved ?? []) as { cursor: string | null; walked: number }[];
    if (!step) return "lost"; // replanned or taken over; what was queued stays valid
    const walked = Number(step.walked);
    if (walked === 0) break;
    cursor = String(step.cursor);
    counted.queued += walked;
    await run.afterPage?.(walked);
    if (walked < FANOUT_BATCH) break;
  }
  const at = Math.max(now.getTime(), deps.clock.now().getTime());
  const marked = await sqlAll(
    db,
    sql`UPDATE reminders SET status = 'done', done_at = ${at}, claim_id = NULL, claimed_until = NULL, updated_at = ${at}
        WHERE ${mine} RETURNING id`,
  );
  return marked.length ? "done" : "lost";
}

/**
 * Claims every due reminder (a bounded number per call) and fans each out, within the run's
 * page budget (FANOUT_PAGES_PER_RUN unless given); what the budget leaves is handed back.
 */
export async function fanOutDueReminders(
  deps: Pick<Deps, "db" | "tokens" | "clock" | "log">,
  now: Date,
  opts: { limit?: number; pages?: number; afterPage?: FanoutRun["afterPage"] } = {},
): Promise<FanoutReport> {
  const report: FanoutReport = { claimed: 0, paused: 0, queued: 0, done: 0, skipped: 0 };
  const claimed = await claimDueReminders(deps, now, opts.limit ?? 20);
  report.claimed = claimed.length;
  const run: FanoutRun = { pages: { left: opts.pages ?? FANOUT_PAGES_PER_RUN }, afterPage: opts.afterPage };
  for (const r of claimed) {
    const outcome = await fanOut(deps, r, now, report, run);
    if (outcome === "done") report.done++;
    else if (outcome === "skipped") report.skipped++;
    else if (outcome === "paused") report.paused++;
    else deps.log("warn", "reminder claim lost during fan-out", { id: r.id });
  }
  return report;
}
