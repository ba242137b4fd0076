import type autocannon from "autocannon";

/**
 * The bench's types: what a benchmark is, what it measures and what it is given. The rows are
 * in benchmarks.ts, the data they create through the API in fixtures.ts.
 */

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
 * Data a benchmark needs in the database before the server starts (too much to create through
 * the API in a bench run). Benchmarks with a profile run on their own server started on that
 * data, their baseline and related benchmarks measured again on the same server.
 */
export interface DatabaseProfile {
  name: string;
  /** Writes into the migrated, empty database file before the server process starts. */
  prepare(databaseUrl: string): Promise<void>;
}

/**
 * A benchmark. To add one (archive search ...), add an entry to BENCHMARKS (benchmarks.ts).
 * `target` is the minimum ratio value / baseline value; the baseline always runs first. Reads come
 * before writes in the list: the registration benchmark leaves thousands of emails for the
 * server's scheduler, which would otherwise be sending them while later benchmarks are measured.
 */
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
export const define = <S>(b: Benchmark<S>): Benchmark<any> => b;
