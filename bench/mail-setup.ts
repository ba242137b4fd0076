import { sql } from "drizzle-orm";
import { createApp } from "../src/app.js";
import { sqlAll, sqlBatch } from "../src/db/batch.js";
import type { Deps } from "../src/deps.js";
import type { Logger } from "../src/lib/log.js";

export const PUBLIC_URL = "https://events.example.org";
export const MAIL_FROM = "Convene <events@example.org>";
export const TITLE = "Ukraine's critical choice: Pursue peace or fight on";
export const TIME_ZONE = "America/New_York";

/** The event, its registrants and the app a reminder benchmark sends from. */
export interface Audience {
  eventId: string;
  reminderId: string;
  /** A moment after the reminder's due instant and before the start. */
  sendAt: Date;
}

/**
 * A published virtual event with one reminder (PT1H) and `n` confirmed registrants. The event is
 * created and published through the API (which plans the reminder); the attendees and their
 * registrations are inserted with SQL, as the registration path would leave them.
 */
export async function eventWithRegistrants(
  deps: Deps,
  adminKey: string,
  tag: string,
  startsAt: string,
  n: number,
): Promise<Audience> {
  const app = createApp(deps);
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as { id: string; slug: string };
  };
  const created = await call("POST", "/api/v1/events", {
    title: TITLE,
    format: "virtual",
    startsAt,
    timeZone: TIME_ZONE,
    durationMinutes: 60,
    joinUrl: "https://zoom.example.com/j/123456789",
    reminders: ["PT1H"],
  });
  await call("POST", `/api/v1/events/${encodeURIComponent(created.slug)}/publish`);
  const at = deps.clock.now().getTime();
  await sqlBatch(deps.db, [
    sql`INSERT INTO attendees (id, email, name, created_at, updated_at)
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
        SELECT printf('att_%s_%06d', ${tag}, i), printf('%s-%06d@example.org', ${tag}, i),
               'Attendee ' || i, ${at}, ${at} FROM k`,
    sql`INSERT INTO registrations (id, event_id, attendee_id, status, answers, consent_at, created_at,
                                   updated_at, confirmed_at, reminders_opt_out)
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
        SELECT printf('reg_%s_%06d', ${tag}, i), ${created.id}, printf('att_%s_%06d', ${tag}, i),
               'confirmed', '{}', ${at}, ${at}, ${at}, ${at}, 0 FROM k`,
  ]);
  const [plan] = await sqlAll<{ id: string; due_at: number }>(
    deps.db,
    sql`SELECT id, due_at FROM reminders WHERE event_id = ${created.id} AND status = 'scheduled'`,
  );
  if (!plan) throw new Error("publishing planned no reminder");
  // Half an hour after the PT1H reminder's moment: due, and well before the start.
  return { eventId: created.id, reminderId: plan.id, sendAt: new Date(Number(plan.due_at) + 1_800_000) };
}

/** Counts warnings and errors the app logs during a run; any is a benchmark error. */
export function countingLogger() {
  const seen = { count: 0, first: "" };
  const log: Logger = (level, msg, fields) => {
    if (level === "warn" || level === "error") {
      seen.count++;
      seen.first ||= `${level}: ${msg} ${JSON.stringify(fields ?? {})}`.slice(0, 300);
    }
  };
  return { log, seen };
}
