import { type SQL, sql } from "drizzle-orm";
import { sqlBatch } from "../../db/batch.js";
import { mintToken } from "../../lib/tokens.js";
import type { Content } from "../../mail/letter.js";
import { outgoing } from "../../mail/letter.js";
import { type CalendarLinks, calendarLinks } from "../calendar/index.js";
import { type EventWithRelations, eventDocs, eventFromDoc, eventValue } from "../events/index.js";
import type { MessageKind, RenderDeps, Rendered, RenderItem } from "../outbox/index.js";
import { joinPath, messageTokenStatements, recipients } from "../registrations/index.js";
import { recordingNoticeComposer, reminderComposer } from "./content.js";
import { sendableUntil } from "./fanout.js";

interface Facts {
  /** The row's place in the rendered list. */
  i: number;
  status: string;
  reminders_opt_out: number;
  email: string;
  name: string;
  erased_at: number | null;
  event_id: string;
  event_status: string;
  plan_due_at: number | null;
  confirmed_at: number | null;
  plan_status: string | null;
  plan_kind: string | null;
  join_path: string | null;
  has_recording: number;
}

/**
 * Renders a reminder or a recording notice at send time, like every outbox message
 * (registrations/mail/render.ts): the links are minted now and only their hashes stored. Everything that could
 * have changed since the fan-out is checked again, and the message skipped (closed as sent,
 * nothing sent) when the registrant cancelled or opted out, the event was cancelled or moved
 * (the reminder was replanned: its due instant is no longer the one in the message), or the
 * last moment for it passed while it waited (an SMTP outage must not deliver a reminder for
 * an event that has started).
 */
async function renderReminderMessage(
  deps: RenderDeps,
  item: RenderItem,
  recordingPublished: RecordingCheck,
): Promise<Rendered> {
  const [out] = await renderReminderMessages(deps, [item], recordingPublished);
  if (!out) throw new Error("nothing rendered");
  if (out instanceof Error) throw out;
  return out;
}

/**
 * renderReminderMessage for many rows at once, which is how the dispatcher renders the
 * reminders it claimed (a fan-out puts thousands of them in the outbox at once). Per message
 * the work is the same: two tokens minted (hashes stored, conditional on the registration still
 * being live), the facts read after those writes, the same checks, the same content. Per LIST it
 * is one atomic batch over a JSON list (json_each: one bound parameter whatever the length, as
 * D1 allows at most 100 a statement) instead of one batch per message: the tokens, the facts,
 * then each event of the list (with speakers and briefs), read after the facts so that it is at
 * least as new as they are, in the same round trip. What the messages share is composed once
 * per list (sharedParts).
 *
 * Returns one result per input, in order: a message, a skip, or the Error that rendering that
 * row would have thrown (bad params), which the caller records as that row's failure.
 */
async function renderReminderMessages(
  deps: RenderDeps,
  items: RenderItem[],
  recordingPublished: RecordingCheck,
): Promise<(Rendered | Error)[]> {
  const { PUBLIC_URL } = deps.config;
  const now = deps.clock.now().getTime();
  const out: (Rendered | Error)[] = new Array(items.length);
  type Minted = { token: string; hash: string };
  const minted: { manage: Minted; unsub: Minted }[] = [];
  const list: { i: number; reg: string; rem: string; rec: 0 | 1; manage: string; unsub: string }[] = [];
  for (const [i, { row }] of items.entries()) {
    const { registrationId, reminderId } = row.params;
    if (typeof registrationId !== "string" || typeof reminderId !== "string") {
      out[i] = new Error("params.registrationId and params.reminderId are required");
      continue;
    }
    const manage = await mintToken(deps);
    const unsub = await mintToken(deps);
    minted[i] = { manage, unsub };
    const rec = row.template === "recording.available" ? 1 : 0;
    list.push({
      i,
      reg: registrationId,
      rem: reminderId,
      rec,
      manage: manage.hash,
      unsub: unsub.hash,
    });
  }
  if (list.length === 0) return out;

  // `q` is the list, one row per message; tokens are minted only for a registration still
  // confirmed whose attendee is not erased. The events of the list (usually one, with speakers
  // and briefs) are read last in the same batch, so they are at least as new as the facts.
  // The reads need no token hashes: a third of the text to carry and parse, per statement.
  const listed = JSON.stringify(list.map(({ i, reg, rem, rec }) => ({ i, reg, rem, rec })));
  const [, , , factRows, eventRows] = await sqlBatch(deps.db, [
    ...messageTokenStatements(list, now, "confirmed"),
    sql`SELECT json_extract(q.value, '$.i') AS i, r.status, r.confirmed_at, r.reminders_opt_out, r.email, r.name,
               r.erased_at, r.event_id, ${eventValue(sql`r.event_id`, "status")} AS event_status,
               m.due_at AS plan_due_at, m.status AS plan_status, m.kind AS plan_kind,
               ${joinPath("r", sql`json_extract(q.value, '$.rec')`)} AS join_path,
               ${recordingPublished(sql`r.event_id`)} AS has_recording
        FROM json_each(${listed}) q JOIN ${recipients} r ON r.id = json_extract(q.value, '$.reg')
             LEFT JOIN reminders m ON m.id = json_extract(q.value, '$.rem')`,
    eventDocs(
      sql`SELECT r.event_id FROM json_each(${listed}) q JOIN ${recipients} r ON r.id = json_extract(q.value, '$.reg')`,
    ),
  ]);
  const facts = new Map<number, Facts>();
  for (const f of (factRows ?? []) as unknown as Facts[]) facts.set(Number(f.i), f);
  const events = new Map<string, Loaded>();
  for (const { doc } of (eventRows ?? []) as unknown as { doc: string }[]) {
    const found = eventFromDoc(doc);
    events.set(found.row.id, { found, links: calendarLinks(found.row, deps.config) });
  }

  const shared = sharedParts(deps, now);

  for (const { i } of list) {
    const { row, messageId } = items[i]!;
    const recording = row.template === "recording.available";
    const { manage } = minted[i]!;
    const f = facts.get(i);
    const skip = (reason: string) => {
      out[i] = { skip: reason };
    };
    if (!f) {
      skip("registration no longer exists");
      continue;
    }
    if (f.erased_at !== null) {
      skip("attendee erased");
      continue;
    }
    if (f.status !== "confirmed") {
      skip(`registration ${f.status} since`);
      continue;
    }
    if (Number(f.reminders_opt_out)) {
      skip("opted out of reminders for this event");
      continue;
    }
    if (f.event_status !== "published") {
      skip(`event ${f.event_status} since`);
      continue;
    }
    if (f.plan_status !== "fanning" && f.plan_status !== "done") {
      skip(`reminder ${f.plan_status ?? "removed"} since`);
      continue;
    }
    const { dueAt } = row.params;
    if (!recording && Number(f.plan_due_at) !== Number(dueAt)) {
      skip("the event moved; the reminder was planned again for the new time");
      continue;
    }
    // Cancelled and registered again after the moment: a new registration, which the reminder
    // was never for (the fan-out only takes those confirmed at the moment).
    if (!recording && Number(f.confirmed_at) > Number(dueAt)) {
      skip("registered again after the reminder's moment");
      continue;
    }
    if (recording && !Number(f.has_recording)) {
      skip("no published recording any more");
      continue;
    }
    const event = events.get(f.event_id);
    if (!event) {
      skip("event no longer exists");
      continue;
    }
    const ev = event.found.row;
    const offsetIso = String(row.params.offset);
    if (!recording && now >= shared.lastMoment(ev, offsetIso)) {
      skip("the event had started before the reminder could be sent");
      continue;
    }
    const manageUrl = `${PUBLIC_URL}/r/${manage.token}`;
    const unsubscribeUrl = `${PUBLIC_URL}/r/${minted[i]!.unsub.token}/unsubscribe`;
    const content = shared.composer(
      recording,
      event,
      offsetIso,
      Number(dueAt),
    )({
      name: f.name,
      joinUrl: f.join_path ? `${PUBLIC_URL}${f.join_path}` : null,
      manageUrl,
      unsubscribeUrl,
    });
    out[i] = {
      message: { ...outgoing(deps.config, f.email, content, unsubscribeUrl, row.dedupeKey), messageId },
    };
  }
  return out;
}

type Person = { name: string; joinUrl: string | null; manageUrl: string; unsubscribeUrl: string };
type Loaded = { found: EventWithRelations; links: CalendarLinks };

/**
 * What the messages of one list share, worked out once per list instead of once per message:
 * a composer per reminder (the event's time in words, its links: most of a message's rendering
 * time otherwise) and the last moment of each reminder (luxon's zone arithmetic cost more per
 * message than composing it).
 */
function sharedParts(deps: RenderDeps, now: number) {
  const { PUBLIC_URL } = deps.config;
  const composers = new Map<string, (p: Person) => Content>();
  const limits = new Map<string, number>();
  return {
    composer(recording: boolean, { found, links }: Loaded, offsetIso: string, dueAt: number) {
      const ev = found.row;
      const key = recording ? `rec|${ev.id}` : `rem|${ev.id}|${offsetIso}|${dueAt}`;
      let compose = composers.get(key);
      if (!compose) {
        const base = { orgName: deps.config.ORG_NAME, event: ev };
        compose = recording
          ? recordingNoticeComposer({
              ...base,
              watchUrl: `${PUBLIC_URL}/archive/${encodeURIComponent(ev.slug)}`,
              briefs: found.rel.briefs.map((b) => ({
                title: b.title,
                url: b.url ?? `${PUBLIC_URL}/briefs/${encodeURIComponent(b.slug)}`,
              })),
            })
          : reminderComposer({
              ...base,
              offsetIso,
              dueAt,
              now,
              event: { ...ev, url: `${PUBLIC_URL}/events/${encodeURIComponent(ev.slug)}` },
              icsUrl: links.ics,
              googleUrl: links.google,
            });
        composers.set(key, compose);
      }
      return compose;
    },
    lastMoment(ev: EventWithRelations["row"], offsetIso: string) {
      const key = `${ev.id}|${offsetIso}`;
      let until = limits.get(key);
      if (until === undefined) {
        until = sendableUntil({ kind: "before_start", offsetIso }, ev);
        limits.set(key, until);
      }
      return until;
    },
  };
}

/** Reminders before an event and the notice that its recording is out: rendered many at a time. */
/**
 * Whether an event has a published recording, as an SQL condition: the archive's to say (it owns
 * recordings and sits above reminders), handed in when the app is composed.
 */
export type RecordingCheck = (eventId: SQL) => SQL;

export function reminderMessages(recordingPublished: RecordingCheck): MessageKind {
  return {
    name: "reminders",
    templates: ["event.reminder", "recording.available"],
    render: (deps, item) => renderReminderMessage(deps, item, recordingPublished),
    renderMany: (deps, items) => renderReminderMessages(deps, items, recordingPublished),
  };
}
