import type autocannon from "autocannon";
import { type AnswerTimes, answerTimes, timeMeasurement } from "./answer-time.js";
import { archiveDatabase, archiveSearch, searchRequests } from "./archive.js";
import { bareInsert } from "./bare-insert.js";
import { calendarFeed } from "./calendar.js";
import { nodemailerBaseline, reminderDelivery } from "./mail.js";
import { alternate, ROUNDS, sliced } from "./paired.js";
import { providerBaseline, QUEUE_ROUNDS, remindersQueue } from "./queue.js";
import { scaleRows } from "./scale.js";
import { webhookEndpoints } from "./webhooks.js";

/** One request shape to drive at the server; `path` is relative to the server's base URL. */
export interface LoadSpec {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A sequence each connection cycles through (autocannon `requests`), for multi-step scenarios. */
  requests?: autocannon.RequestSpec[];
  /** Replace `[<id>]` in bodies with a fresh id per request (e.g. unique registration emails). */
  idReplacement?: boolean;
  /** The status every response must have (e.g. 304); others count as errors. Default: any 2xx. */
  expectStatus?: number;
  /** Fail the run when responses average fewer bytes (headers included), e.g. bodies cut short. */
  minBytesPerResponse?: number;
  /** Concurrent connections for this benchmark instead of the run's --connections. */
  connections?: number;
}

export interface Measurement {
  /** Requests (or rows, for in-process baselines, or messages) per second. */
  value: number;
  p99Ms: number;
  /** Completed responses. */
  requests: number;
  /** Connection errors, timeouts, body mismatches and non-2xx responses. */
  errors: number;
  /** e.g. "404×1200, 3 timeouts"; empty when there were none. */
  errorDetail: string;
  /**
   * The baseline this run measured itself, alongside (bench/scale.ts pairs each scale row with
   * its small row); used instead of the baseline row's value.
   */
  pairedBaseline?: number;
  /** Further figures worth reporting (message size, memory growth...), printed as notes. */
  details?: Record<string, number | string>;
}

export interface BenchContext {
  baseUrl: string;
  /** A key with the admin scope, made directly in the database before the server started. */
  adminKey: string;
  /** One JSON request, outside any measurement; `auth` sends the admin key as a Bearer token. */
  api<T = any>(
    method: string,
    path: string,
    options?: { body?: unknown; auth?: boolean },
  ): Promise<{ status: number; body: T }>;
  /** A value created once per run and shared by every benchmark that asks for it by name. */
  fixture<T>(name: string, create: () => Promise<T>): Promise<T>;
  /** Warms up, then drives load for the configured duration and connections. */
  load(spec: LoadSpec): Promise<Measurement>;
  /** The run's settings, for benchmarks that drive their own load (in-process baselines). */
  settings: { duration: number; warmup: number; connections: number };
  /** Runs `fn` once this server's benchmarks are done (stops helpers a fixture started). */
  cleanup(fn: () => void | Promise<void>): void;
}

/**
 * A benchmark. To add one (archive search ...), add an entry to BENCHMARKS. `target` is the
 * minimum ratio value / baseline value; the baseline always runs first. Reads come before writes
 * in the list: the registration benchmark leaves thousands of emails for the server's scheduler,
 * which would otherwise be sending them while later benchmarks are measured.
 */
/**
 * Data a benchmark needs in the database before the server starts (too much to create through
 * the API in a bench run). Benchmarks with a profile run on their own server started on that
 * data, their baseline and related benchmarks measured again on the same server.
 */
export interface DatabaseProfile {
  name: string;
  /** Writes into the migrated, empty database file before the server process starts. */
  prepare(databaseUrl: string): Promise<void>;
}

export interface Benchmark<S = void> {
  name: string;
  unit: "req/s" | "rows/s" | "msgs/s" | "ms";
  description: string;
  /** Environment the bench server needs for this benchmark (merged over all selected ones). */
  serverEnv?: Record<string, string>;
  /** Data written before its server starts; see DatabaseProfile. */
  database?: DatabaseProfile;
  /**
   * "worker": runs on one `wrangler dev` process with a local D1 (bench/worker-server.ts), with
   * the other worker rows, instead of on the Node server; `serverEnv` becomes Worker vars.
   */
  runtime?: "worker";
  /** Other benchmarks worth seeing next to this one; they run first, like the baseline. */
  related?: string[];
  /** Unmeasured preparation (create data); what it returns is handed to run. */
  setup?: (ctx: BenchContext) => Promise<S>;
  run: (ctx: BenchContext, state: S) => Promise<Measurement>;
  /** The benchmark this one is compared with, or null for a baseline. */
  baselineName: string | null;
  /** The run measures its baseline itself (Measurement.pairedBaseline): no baseline row to run first. */
  baselineElsewhere?: boolean;
  target: number | null;
}

/** Keeps each entry's setup/run state types checked while the list holds mixed entries. */
const define = <S>(b: Benchmark<S>): Benchmark<any> => b;

function expectStatus(what: string, res: { status: number; body: unknown }, status: number) {
  if (res.status !== status) {
    const body = typeof res.body === "string" ? res.body : JSON.stringify(res.body);
    throw new Error(`${what} answered ${res.status}, expected ${status}: ${body.slice(0, 300)}`);
  }
}

/** One published virtual event, created through the staff API. */
export function publishedEvent(ctx: BenchContext): Promise<{ slug: string }> {
  return ctx.fixture("published-event", async () => {
    const created = await ctx.api("POST", "/api/v1/events", {
      auth: true,
      body: {
        title: "Bench event",
        format: "virtual",
        startsAt: "2030-04-16T12:00",
        timeZone: "America/New_York",
        durationMinutes: 60,
      },
    });
    expectStatus("POST /api/v1/events", created, 201);
    const slug = created.body?.slug ?? created.body?.data?.slug;
    if (typeof slug !== "string" || !slug) {
      throw new Error(`POST /api/v1/events returned no slug: ${JSON.stringify(created.body).slice(0, 300)}`);
    }
    const published = await ctx.api("POST", `/api/v1/events/${encodeURIComponent(slug)}/publish`, {
      auth: true,
    });
    expectStatus(`POST /api/v1/events/${slug}/publish`, published, 200);
    return { slug };
  });
}

/** A published event with a capacity and a waitlist: the path that decides seats. */
function eventForRegistrations(ctx: BenchContext): Promise<{ slug: string }> {
  return ctx.fixture("registration-event", async () => {
    const created = await ctx.api("POST", "/api/v1/events", {
      auth: true,
      body: {
        title: "Bench registrations",
        format: "virtual",
        startsAt: "2030-05-16T12:00",
        timeZone: "America/New_York",
        durationMinutes: 60,
        capacity: 100,
        waitlist: true,
      },
    });
    expectStatus("POST /api/v1/events", created, 201);
    const slug = String(created.body.slug);
    const published = await ctx.api("POST", `/api/v1/events/${encodeURIComponent(slug)}/publish`, {
      auth: true,
    });
    expectStatus(`POST /api/v1/events/${slug}/publish`, published, 200);
    return { slug };
  });
}

/** A new registration per request (a fresh email each time). */
const registrationLoad = (slug: string): LoadSpec => ({
  path: `/api/v1/events/${encodeURIComponent(slug)}/registrations`,
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ name: "Bench Attendee", email: "bench-[<id>]@example.org", consent: true }),
  idReplacement: true,
});

/** Clients registering at once in the rush benchmark (the concurrency test fires 500). */
const RUSH_CONNECTIONS = 50;

/** Rows on the Worker (`wrangler dev`, local D1), each against worker-healthz of the same process. */
const WORKER_ROWS: Benchmark<any>[] = [
  define({
    name: "worker-healthz",
    unit: "req/s",
    runtime: "worker",
    description: "GET /healthz on `wrangler dev` with a local D1: the Worker rows' baseline",
    run: (ctx) => ctx.load({ path: "/healthz" }),
    baselineName: null,
    target: null,
  }),
  define({
    name: "worker-event-read",
    unit: "req/s",
    runtime: "worker",
    description: "GET /api/v1/events/{slug} (a published event) on `wrangler dev` with a local D1",
    setup: publishedEvent,
    run: (ctx, { slug }) => ctx.load({ path: `/api/v1/events/${encodeURIComponent(slug)}` }),
    baselineName: "worker-healthz",
    target: 0.5,
  }),
  define({
    name: "worker-registration",
    unit: "req/s",
    runtime: "worker",
    description:
      "POST /api/v1/events/{slug}/registrations with a new email each time (capacity 100 + waitlist) on `wrangler dev` with a local D1, rate limit off (every request comes from 127.0.0.1)",
    serverEnv: { REGISTRATION_RATE_LIMIT: "0" },
    setup: (ctx) => eventForRegistrations(ctx),
    run: (ctx, { slug }) => ctx.load(registrationLoad(slug)),
    baselineName: "worker-healthz",
    target: 0.2,
    // `--only worker-registration` measures the three Worker rows on one process.
    related: ["worker-event-read"],
  }),
];

const SMALL_ROWS: Benchmark<any>[] = [
  define({
    name: "healthz",
    unit: "req/s",
    description: "GET /healthz: routing, middleware and one `select 1`; the baseline",
    run: (ctx) => ctx.load({ path: "/healthz" }),
    baselineName: null,
    target: null,
  }),
  define({
    name: "event-read",
    unit: "req/s",
    description: "GET /api/v1/events/{slug}: the public read of one published event",
    setup: publishedEvent,
    run: (ctx, { slug }) => ctx.load({ path: `/api/v1/events/${encodeURIComponent(slug)}` }),
    baselineName: "healthz",
    target: 0.4,
  }),
  define({
    name: "calendar-full",
    unit: "req/s",
    description:
      "GET /calendar.ics with 500 published events (400-character descriptions), no conditional headers and no Accept-Encoding: the whole uncompressed feed every time",
    setup: calendarFeed,
    run: (ctx, feed) => ctx.load({ path: "/calendar.ics", minBytesPerResponse: feed.bytes }),
    baselineName: "healthz",
    target: 0.08,
  }),
  define({
    name: "calendar-304",
    unit: "req/s",
    description:
      "GET /calendar.ics (500 events) with If-None-Match of the current ETag: every answer must be 304",
    setup: calendarFeed,
    run: (ctx, feed) =>
      ctx.load({ path: "/calendar.ics", headers: { "if-none-match": feed.etag }, expectStatus: 304 }),
    baselineName: "healthz",
    target: 0.5,
  }),
  define({
    name: "archive-search",
    unit: "req/s",
    description:
      "GET /api/v1/archive?q=<16 common terms in turn>&limit=20 over 5,000 past published events (60% with recordings) and 20,000 briefs",
    database: archiveDatabase({ events: 5000, briefs: 20_000 }),
    setup: archiveSearch,
    run: (ctx, { terms }) => ctx.load({ path: "/api/v1/archive", requests: searchRequests(terms) }),
    baselineName: "healthz",
    target: 0.25,
  }),
  define({
    name: "archive-search-500",
    unit: "req/s",
    description: "archive-search over 500 past events and 2,000 briefs: how search scales with the archive",
    database: archiveDatabase({ events: 500, briefs: 2000 }),
    setup: archiveSearch,
    run: (ctx, { terms }) => ctx.load({ path: "/api/v1/archive", requests: searchRequests(terms) }),
    baselineName: "healthz",
    target: 0.25,
  }),
  // Before the registration benchmark, whose confirmations the server would be sending meanwhile.
  define({
    name: "smtp-baseline",
    unit: "msgs/s",
    description:
      "in-process: 10,000 reminder-shaped messages sent straight through nodemailer (smtpMailer's transport options, the dispatcher's concurrency) to a counting SMTP server on 127.0.0.1; the reminders baseline",
    run: (ctx) => nodemailerBaseline(ctx, 10_000),
    baselineName: null,
    target: null,
  }),
  define({
    name: "reminders-2000",
    unit: "msgs/s",
    description:
      "`reminders` with 2,000 registrants: its memory figures against those of 10,000 show whether memory follows N (no target: fixed costs weigh more on a short run)",
    run: (ctx) => reminderDelivery(ctx, 2000),
    baselineName: "smtp-baseline",
    target: null,
  }),
  define({
    name: "reminders",
    unit: "msgs/s",
    description:
      "in-process: runDueWork fans out a due reminder of an event with 10,000 confirmed registrants and delivers it via smtpMailer to the same server (rendered at send time, tokens minted, rows marked sent), counted at the server",
    run: (ctx) => reminderDelivery(ctx, 10_000),
    baselineName: "smtp-baseline",
    target: 0.7,
    related: ["reminders-2000"],
  }),
  define({
    name: "provider-baseline",
    unit: "msgs/s",
    description:
      "in-process: 10,000 reminder-shaped messages posted straight to a local HTTP provider (Resend's format) through httpMailer.sendBatch, 100 a request, one request at a time; the reminders-queue baseline",
    run: (ctx) => providerBaseline(ctx, 10_000),
    baselineName: null,
    target: null,
  }),
  define({
    name: "reminders-queue",
    unit: "msgs/s",
    description: `wrangler dev (local D1 and local Queues): the cron fans out a due reminder of 10,000 confirmed registrants and queues chunks of up to 400 outbox ids; the queue consumer renders each chunk and sends it in batch requests of 100 to the same local provider; timed from the scheduled event to the 10,000th distinct recipient; ${QUEUE_ROUNDS} rounds on one wrangler dev, each beside a provider-baseline run (bench/paired.ts); ratio: the median of the rounds' ratios`,
    run: (ctx) => remindersQueue(ctx, 10_000),
    baselineName: "provider-baseline",
    target: 0.5,
  }),
  define({
    name: "bare-insert",
    unit: "rows/s",
    description:
      "in-process INSERT of one row, committed alone, through the server's own client (openClient: LocalClient) into a WAL file database, `connections` outstanding; the registration baseline",
    run: (ctx) => bareInsert(ctx.settings),
    baselineName: null,
    target: null,
  }),
  define({
    name: "registration",
    unit: "req/s",
    description:
      "POST /api/v1/events/{slug}/registrations with a new email each time (capacity 100 + waitlist), rate limit off",
    serverEnv: { REGISTRATION_RATE_LIMIT: "0" },
    setup: (ctx) => eventForRegistrations(ctx),
    run: (ctx, { slug }) => ctx.load(registrationLoad(slug)),
    baselineName: "bare-insert",
    target: 0.5,
    related: ["healthz"],
  }),
  define({
    name: "registration-webhooks",
    unit: "req/s",
    description: `the registration POST with three enabled webhook endpoints wanting registration.created (a receiver in the bench process), in ${ROUNDS} one-second slices alternating with the same POST on the same server with the endpoints disabled (bench/paired.ts); ratio: the median of the slices' ratios`,
    serverEnv: { REGISTRATION_RATE_LIMIT: "0", WEBHOOK_ALLOW_PRIVATE: "true" },
    setup: async (ctx) => ({ ...(await eventForRegistrations(ctx)), hooks: await webhookEndpoints(ctx) }),
    run: async (ctx, { slug, hooks }) => {
      const slice = sliced(ctx);
      const load = () => slice.load(registrationLoad(slug));
      try {
        await ctx.load(registrationLoad(slug)); // the row's warm-up and a first run, endpoints on
        const withHooks = (enabled: boolean) => async () => {
          await hooks.setEnabled(enabled);
          return load();
        };
        const m = await alternate(withHooks(false), withHooks(true));
        return { ...m, details: { ...m.details, "webhooks received meanwhile": hooks.received() } };
      } finally {
        await hooks.stop();
      }
    },
    baselineName: "registration",
    baselineElsewhere: true,
    target: 0.9,
  }),
  define({
    name: "registration-repeat",
    unit: "req/s",
    description:
      "the same POST for 200 addresses already registered, in turn (the answer is the same as for a new one, issue 13): throughput only, repeats write less; whether one answer's time tells them apart is answer-known's ratio",
    serverEnv: { REGISTRATION_RATE_LIMIT: "0" },
    setup: async (ctx) => {
      const { slug } = await eventForRegistrations(ctx);
      const path = `/api/v1/events/${encodeURIComponent(slug)}/registrations`;
      const bodies = Array.from({ length: 200 }, (_, i) =>
        JSON.stringify({ name: "Bench Repeat", email: `bench-repeat-${i}@example.org`, consent: true }),
      );
      for (const body of bodies)
        expectStatus(`POST ${path}`, await ctx.api("POST", path, { body: JSON.parse(body) }), 202);
      return { path, bodies };
    },
    run: (ctx, { path, bodies }) =>
      ctx.load({
        path,
        requests: bodies.map((body: string) => ({
          method: "POST",
          path,
          headers: { "content-type": "application/json" },
          body,
        })),
      }),
    baselineName: "registration",
    target: null,
    related: ["healthz"],
  }),
  define({
    name: "answer-new",
    unit: "ms",
    description:
      "median answer time of a registration for a new address, one client alternating with answer-known (bench/answer-time.ts)",
    serverEnv: { REGISTRATION_RATE_LIMIT: "0" },
    setup: async (ctx) => {
      const { slug } = await eventForRegistrations(ctx);
      return ctx.fixture("answer-times", () => answerTimes(ctx, slug));
    },
    run: async (_ctx, times: AnswerTimes) => timeMeasurement(times.created),
    baselineName: null,
    target: null,
  }),
  define({
    name: "answer-known",
    unit: "ms",
    description:
      "median answer time for an address registered before, in the same alternating run: the ratio to answer-new should be near 1 (the time must not tell)",
    serverEnv: { REGISTRATION_RATE_LIMIT: "0" },
    setup: async (ctx) => {
      const { slug } = await eventForRegistrations(ctx);
      return ctx.fixture("answer-times", () => answerTimes(ctx, slug));
    },
    run: async (_ctx, times: AnswerTimes) => timeMeasurement(times.known),
    baselineName: "answer-new",
    target: null,
  }),
  define({
    name: "registration-rush",
    unit: "req/s",
    description: `the same POST from ${RUSH_CONNECTIONS} clients at once (a popular event opening): more writes share each group commit`,
    serverEnv: { REGISTRATION_RATE_LIMIT: "0" },
    setup: (ctx) => eventForRegistrations(ctx),
    run: (ctx, { slug }) => ctx.load({ ...registrationLoad(slug), connections: RUSH_CONNECTIONS }),
    baselineName: "bare-insert",
    target: 0.5,
    related: ["healthz"],
  }),
];

// Issue 14's scale rows: the same requests on a database of 1,000,000 registrations, 50,000
// events and 200,000 briefs (bench/scale-data.ts), each against its own row on the small
// database; reads first, as above.
export const BENCHMARKS: Benchmark<any>[] = [...SMALL_ROWS, ...WORKER_ROWS, ...scaleRows(SMALL_ROWS)];
