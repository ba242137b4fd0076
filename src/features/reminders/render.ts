import { sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import type { Deps } from "../../deps.js";
import { calendarLinks } from "../calendar/links.js";
import { findEventWithRelations } from "../events/queries.js";
import type { Rendered } from "../outbox/templates.js";
import { mintToken } from "../registrations/engine.js";
import { composeRecordingNotice, composeReminder } from "./content.js";
import { sendableUntil } from "./fanout.js";

export const REMINDER_TEMPLATES = new Set(["event.reminder", "recording.available"]);

interface Facts {
  status: string;
  reminders_opt_out: number;
  email: string;
  name: string;
  erased_at: number | null;
  event_id: string;
  event_status: string;
  plan_due_at: number | null;
  plan_status: string | null;
  plan_kind: string | null;
  has_join: number;
  has_recording: number;
}

/**
 * Renders a reminder or a recording notice at send time, like every outbox message
 * (templates.ts): the links are minted now and only their hashes stored. Everything that could
 * have changed since the fan-out is checked again, and the message skipped (closed as sent,
 * nothing sent) when the registrant cancelled or opted out, the event was cancelled or moved
 * (the reminder was replanned: its due instant is no longer the one in the message), or the
 * last moment for it passed while it waited (an SMTP outage must not deliver a reminder for
 * an event that has started).
 */
export async function renderReminderMessage(
  deps: Pick<Deps, "db" | "tokens" | "clock" | "config">,
  row: { id: string; template: string; params: Record<string, unknown>; dedupeKey: string },
  messageId: string,
): Promise<Rendered> {
  const { registrationId, reminderId, dueAt } = row.params;
  if (typeof registrationId !== "string" || typeof reminderId !== "string") {
    throw new Error("params.registrationId and params.reminderId are required");
  }
  const recording = row.template === "recording.available";
  const { PUBLIC_URL } = deps.config;
  const now = deps.clock.now().getTime();
  const manage = await mintToken(deps);
  const join = await mintToken(deps);
  const live = sql`r.id = ${registrationId} AND a.erased_at IS NULL AND r.status = 'confirmed'`;
  const [, , facts] = await sqlBatch(deps.db, [
    sql`INSERT INTO access_tokens (hash, kind, registration_id, created_at)
        SELECT ${manage.hash}, 'manage', r.id, ${now}
        FROM registrations r JOIN attendees a ON a.id = r.attendee_id WHERE ${live}`,
    sql`INSERT INTO access_tokens (hash, kind, registration_id, created_at)
        SELECT ${join.hash}, 'join', r.id, ${now}
        FROM registrations r JOIN attendees a ON a.id = r.attendee_id JOIN events e ON e.id = r.event_id
        WHERE ${live} AND ${recording ? 0 : 1} = 1 AND e.format IN ('virtual', 'hybrid') AND e.status = 'published'`,
    sql`SELECT r.status, r.reminders_opt_out, a.email, a.name, a.erased_at, e.id AS event_id,
               e.status AS event_status, m.due_at AS plan_due_at, m.status AS plan_status, m.kind AS plan_kind,
               EXISTS (SELECT 1 FROM access_tokens WHERE hash = ${join.hash}) AS has_join,
               EXISTS (SELECT 1 FROM recordings x WHERE x.event_id = e.id AND x.published = 1) AS has_recording
        FROM registrations r JOIN attendees a ON a.id = r.attendee_id JOIN events e ON e.id = r.event_id
             LEFT JOIN reminders m ON m.id = ${reminderId}
        WHERE r.id = ${registrationId}`,
  ]);
  const f = facts?.[0] as Facts | undefined;
  if (!f) return { skip: "registration no longer exists" };
  if (f.erased_at !== null) return { skip: "attendee erased" };
  if (f.status !== "confirmed") return { skip: `registration ${f.status} since` };
  if (Number(f.reminders_opt_out)) return { skip: "opted out of reminders for this event" };
  if (f.event_status !== "published") return { skip: `event ${f.event_status} since` };
  if (f.plan_status !== "fanning" && f.plan_status !== "done") {
    return { skip: `reminder ${f.plan_status ?? "removed"} since` };
  }
  if (!recording && Number(f.plan_due_at) !== Number(dueAt)) {
    return { skip: "the event moved; the reminder was planned again for the new time" };
  }
  if (recording && !Number(f.has_recording)) return { skip: "no published recording any more" };
  const found = await findEventWithRelations(deps.db, f.event_id);
  if (!found) return { skip: "event no longer exists" };
  const ev = found.row;
  const offsetIso = String(row.params.offset);
  if (!recording && now >= sendableUntil({ kind: "before_start", offsetIso }, ev)) {
    return { skip: "the event had started before the reminder could be sent" };
  }
  const manageUrl = `${PUBLIC_URL}/r/${manage.token}`;
  const unsubscribeUrl = `${manageUrl}/unsubscribe`;
  const base = { orgName: deps.config.ORG_NAME, name: f.name, manageUrl, unsubscribeUrl };
  const content = recording
    ? composeRecordingNotice({
        ...base,
        event: ev,
        watchUrl: `${PUBLIC_URL}/archive/${encodeURIComponent(ev.slug)}`,
        briefs: found.rel.briefs.map((b) => ({
          title: b.title,
          url: b.url ?? `${PUBLIC_URL}/briefs/${encodeURIComponent(b.slug)}`,
        })),
      })
    : composeReminder({
        ...base,
        offsetIso,
        dueAt: Number(dueAt),
        now,
        event: { ...ev, url: `${PUBLIC_URL}/events/${encodeURIComponent(ev.slug)}` },
        joinUrl: Number(f.has_join) ? `${PUBLIC_URL}/j/${join.token}` : null,
        ...(() => {
          const links = calendarLinks(ev, deps.config);
          return { icsUrl: links.ics, googleUrl: links.google };
        })(),
      });
  return {
    message: {
      from: deps.config.MAIL_FROM,
      to: f.email,
      ...content,
      headers: {
        "List-Unsubscribe": `<${unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
      messageId,
      idempotencyKey: row.dedupeKey,
    },
  };
}
