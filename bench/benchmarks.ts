import { type AnswerTimes, answerTimes, timeMeasurement } from "./answer-time.js";
import { archiveDatabase, archiveSearch, searchRequests } from "./archive.js";
import { bareInsert } from "./bare-insert.js";
import { calendarFeed } from "./calendar.js";
import { eventForRegistrations, expectStatus, publishedEvent, registrationLoad } from "./fixtures.js";
import { nodemailerBaseline, reminderDelivery } from "./mail.js";
import { alternate, ROUNDS, sliced } from "./paired.js";
import { providerBaseline, QUEUE_ROUNDS, remindersQueue } from "./queue.js";
import { scaleRows } from "./scale.js";
import { type Benchmark, define } from "./types.js";
import { webhookEndpoints } from "./webhooks.js";

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
