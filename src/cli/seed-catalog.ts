import { DateTime } from "luxon";
import type { Deps } from "../deps.js";
import { createRecording, listRecordings, RecordingCreate } from "../features/archive/index.js";
import type { Actor } from "../features/audit/index.js";
import { createBrief } from "../features/briefs/index.js";
import { EventCreate, findEvent } from "../features/events/index.js";
import { createPerson } from "../features/people/index.js";
import { createEvent, publishEvent } from "../features/programme/index.js";
import { createTopic } from "../features/topics/index.js";
import { slugify } from "../lib/slug.js";
import catalog from "./fixtures/catalog.json" with { type: "json" };
import demoRecordings from "./fixtures/demo-recordings.json" with { type: "json" };

const ACTOR: Actor = { keyId: null, keyName: "seed", requestId: null };
const DEMO_NOTE =
  "Demo data: the title, date, topics and people are from the institute's published catalogue; the time of day, duration and any links are assumed for the demo.";

export interface SeedReport {
  created: { topics: number; people: number; briefs: number; events: number; recordings: number };
  skipped: number;
}

/**
 * Loads the catalogue (copied from shared/fixtures so the project stands alone) plus a few
 * upcoming demo events. Idempotent: anything whose slug exists is left as it is, so a second
 * run, or a run beside a live server, changes nothing that is already there.
 */
export async function seedCatalog(deps: Deps): Promise<SeedReport> {
  const report: SeedReport = {
    created: { topics: 0, people: 0, briefs: 0, events: 0, recordings: 0 },
    skipped: 0,
  };
  const attempt = async (kind: keyof SeedReport["created"], fn: () => Promise<unknown>) => {
    try {
      await fn();
      report.created[kind]++;
    } catch (err) {
      // A 409 on an explicit slug means it was seeded before.
      if ((err as { status?: number }).status === 409) report.skipped++;
      else throw err;
    }
  };

  for (const name of catalog.topics) {
    await attempt("topics", () => createTopic(deps, ACTOR, { name, slug: slugify(name) }));
  }
  for (const p of catalog.people) {
    await attempt("people", () =>
      createPerson(deps, ACTOR, { name: p.name, slug: slugify(p.name), title: p.title }),
    );
  }
  for (const b of catalog.briefs) {
    await attempt("briefs", () =>
      createBrief(deps, ACTOR, {
        title: b.title,
        slug: slugify(b.title),
        kind: b.kind as "op-ed",
        publishedOn: b.published_on,
        outlet: "outlet" in b ? (b.outlet as string) : null,
        summary: "summary" in b ? (b.summary as string) : null,
        authors: b.authors.map((a) => slugify(a)),
        topics: b.topics.map((t) => slugify(t)),
      }),
    );
  }

  const events = catalog.events.map((e) => ({
    title: e.title,
    startsAt: `${e.date}T${e.assumed.start_local}`,
    timeZone: e.assumed.timezone,
    durationMinutes: e.assumed.duration_minutes,
    format: e.format,
    description: DEMO_NOTE,
    topics: e.topics.map((t) => slugify(t)),
    briefs: [
      ...(e.title.startsWith("Ukraine's critical choice")
        ? [{ brief: slugify(catalog.briefs[0]!.title), relation: "background_reading" }]
        : []),
      ...publishedAfter(e),
    ],
  }));
  // Upcoming demo events relative to today, so the public list is never empty in a demo.
  const today = DateTime.fromJSDate(deps.clock.now(), { zone: catalog.organization.timezone }).startOf("day");
  const demos = [
    {
      title: "[Demo] Armed neutrality: a security model for Ukraine?",
      days: 14,
      topics: ["ukraine-russia", "nato"],
    },
    { title: "[Demo] Burden sharing in NATO after the summit", days: 28, topics: ["nato", "burden-sharing"] },
    { title: "[Demo] Drones and the future of land power", days: 45, topics: ["drones", "land-power"] },
  ].map((d) => ({
    title: d.title,
    startsAt: today.plus({ days: d.days }).set({ hour: 12 }).toFormat("yyyy-MM-dd'T'HH:mm"),
    timeZone: catalog.organization.timezone,
    durationMinutes: 60,
    format: "virtual",
    capacity: 500,
    description: "Demo event created by `npm run seed`; not a real event of the institute.",
    joinUrl: "https://meet.example.org/demo",
    topics: d.topics,
  }));

  // The seed's own events are recognised by what it writes (title, start, description), not by
  // slug alone: a staff event that took the slug first (the README's first example is the
  // catalogue's own title) is not ours, so ours gets the next free slug instead of being dropped.
  const seededSlugs = new Map<string, string>();
  for (const e of [...events, ...demos]) {
    const input = EventCreate.parse(e);
    const ours = await findSeeded(deps, slugify(e.title), input);
    if (ours) {
      seededSlugs.set(e.title, ours);
      report.skipped++;
      continue;
    }
    await attempt("events", async () => {
      const created = await createEvent(deps, ACTOR, input);
      await publishEvent(deps, ACTOR, created.id);
      seededSlugs.set(e.title, created.slug);
    });
  }

  // Demo recordings for the past events, unless an event already has recordings of any kind
  // (seeded before, or attached by staff): a second run, or a live archive, is left alone.
  for (const r of demoRecordings.recordings) {
    const slug = seededSlugs.get(r.event) ?? slugify(r.event);
    if ((await listRecordings(deps.db, slug, true)).length > 0) {
      report.skipped++;
      continue;
    }
    const input = RecordingCreate.parse({
      kind: r.kind,
      provider: r.provider,
      url: r.url,
      title: `[Demo recording] ${r.event}`,
      durationSeconds: r.durationSeconds,
      published: true,
      publishedAt: r.publishedAt,
      demo: true,
      chapters: r.chapters.map((c) => ({
        ...c,
        brief: "brief" in c ? slugify(c.brief as string) : undefined,
      })),
    });
    await createRecording(deps, ACTOR, slug, input);
    report.created.recordings++;
  }
  return report;
}

/** The slug of the seed's own event among `base`, `base-2`... (withUniqueSlug's choices), if any. */
async function findSeeded(
  deps: Deps,
  base: string,
  input: { title: string; startsAt: string; timeZone?: string; description?: string | null },
) {
  const startsAt = DateTime.fromISO(input.startsAt, { zone: input.timeZone }).toMillis();
  for (let n = 1; n <= 20; n++) {
    const slug = n === 1 ? base : `${base}-${n}`;
    const found = await findEvent(deps.db, slug);
    if (!found) return undefined; // slugs are taken in order: no later one exists
    const same =
      found.title === input.title &&
      found.startsAt.getTime() === startsAt &&
      (found.description ?? null) === (input.description ?? null);
    if (same) return slug;
  }
  return undefined;
}

// A brief "published after" an event follows it within this window and shares a topic with it.
const FOLLOW_UP_DAYS = 90;

function publishedAfter(e: (typeof catalog.events)[number]) {
  const start = DateTime.fromISO(e.date);
  return catalog.briefs
    .filter((b) => {
      const days = DateTime.fromISO(b.published_on).diff(start, "days").days;
      return days > 0 && days <= FOLLOW_UP_DAYS && b.topics.some((t) => e.topics.includes(t));
    })
    .sort((a, b) => (a.published_on < b.published_on ? -1 : a.published_on > b.published_on ? 1 : 0))
    .map((b) => ({ brief: slugify(b.title), relation: "published_after" }));
}
