import type { BenchContext } from "./types.js";

/**
 * The calendar benchmarks' data: 500 published events with 400-character descriptions, made
 * through the staff API like any other data (the server reads them from its own database), and
 * the feed they make as a client sees it: its size and its ETag for the uncompressed coding.
 */
export const CALENDAR_EVENTS = 500;
const DESCRIPTION_CHARS = 400;
const SEED_CONCURRENCY = 8;
// Zones with DST rules of each kind, so the feed carries several VTIMEZONEs as a real one would.
const ZONES = ["America/New_York", "Europe/Kyiv", "Europe/London", "Australia/Lord_Howe"];
const PROSE =
  "Three experts weigh the options for Kyiv and its partners: a ceasefire along the current line, " +
  "continued support at today's levels, or a settlement with security guarantees. What does each path " +
  "cost, who pays, and what would it mean for NATO's eastern flank?\nThe discussion draws on our " +
  "latest briefs; questions from the audience follow. The recording and transcript are published afterwards. ";

/** Exactly DESCRIPTION_CHARS characters, different for each event, with the punctuation ICS escapes. */
export function benchDescription(i: number): string {
  const text = `Session ${i + 1}. ${PROSE}${PROSE}`.slice(0, DESCRIPTION_CHARS - 1);
  return `${text}.`;
}

export interface CalendarFeed {
  events: number;
  /** Size of the uncompressed feed. */
  bytes: number;
  /** The feed's ETag for the uncompressed coding, as a client that cached it would send it back. */
  etag: string;
}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function check(what: string, res: { status: number; body: unknown }, status: number) {
  if (res.status !== status) {
    const body = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
    throw new Error(`${what} answered ${res.status}, expected ${status}: ${body.slice(0, 300)}`);
  }
}

async function createPublished(ctx: BenchContext, i: number) {
  const day = new Date(Date.now() + (1 + Math.floor(i / 2)) * 86_400_000).toISOString().slice(0, 10);
  const created = await ctx.api("POST", "/api/v1/events", {
    auth: true,
    body: {
      title: `Bench calendar event ${i + 1}`,
      description: benchDescription(i),
      format: "virtual",
      startsAt: `${day}T${i % 2 ? "15:00" : "09:00"}`,
      timeZone: ZONES[i % ZONES.length],
      durationMinutes: 60,
      joinUrl: "https://meet.example.org/bench",
    },
  });
  check("POST /api/v1/events", created, 201);
  const slug = String(created.body.slug);
  const published = await ctx.api("POST", `/api/v1/events/${encodeURIComponent(slug)}/publish`, {
    auth: true,
  });
  check(`POST /api/v1/events/${slug}/publish`, published, 200);
}

/** The feed as a client sees it now (identity coding, as autocannon sends no Accept-Encoding). */
async function currentFeed(ctx: BenchContext): Promise<Omit<CalendarFeed, "etag"> & { etag: string | null }> {
  const res = await fetch(new URL("/calendar.ics", ctx.baseUrl), {
    headers: { "accept-encoding": "identity" },
    signal: AbortSignal.timeout(30_000),
  });
  const body = new Uint8Array(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`GET /calendar.ics answered ${res.status}`);
  if (res.headers.get("content-encoding")) throw new Error("GET /calendar.ics was compressed unasked");
  const events = new TextDecoder().decode(body).split("BEGIN:VEVENT\r\n").length - 1;
  return { events, bytes: body.byteLength, etag: res.headers.get("etag") };
}

/**
 * A feed of CALENDAR_EVENTS events: those a database profile already holds (the scale database's
 * upcoming events are shaped like these) plus as many made through the staff API as are missing.
 */
export function calendarFeed(ctx: BenchContext): Promise<CalendarFeed> {
  return ctx.fixture("calendar-feed", async () => {
    const started = performance.now();
    const existing = (await currentFeed(ctx)).events;
    let next = existing;
    await Promise.all(
      Array.from({ length: SEED_CONCURRENCY }, async () => {
        while (next < CALENDAR_EVENTS) await createPublished(ctx, next++);
      }),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(
      `calendar: created and published ${Math.max(0, CALENDAR_EVENTS - existing)} events through the staff API in ${seconds} s (${existing} were there)`,
    );

    const { events, bytes, etag } = await currentFeed(ctx);
    if (events < CALENDAR_EVENTS)
      throw new Error(`/calendar.ics has ${events} events, expected ${CALENDAR_EVENTS}+`);
    if (!etag || etag.includes("gzip")) throw new Error(`/calendar.ics sent no identity ETag (${etag})`);
    log(`calendar: /calendar.ics has ${events} events, ${Math.round(bytes / 1024)} KB, ETag ${etag}`);
    return { events, bytes, etag };
  });
}
