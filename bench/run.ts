/**
 * Load benchmarks against the real Node server on loopback (`npm run bench`).
 *
 *   npm run bench                          all benchmarks, 5 s each, human table on stdout
 *   npm run bench -- --only event-read     one benchmark plus its baseline
 *   npm run --silent bench -- --json       only one JSON object on stdout
 *   options: --duration S (default 5), --warmup S (default 1), --connections N (default 10), --list
 *
 * Progress goes to stderr. Exit code 0 when every benchmark was measured, whether or not it met
 * its target (this is a report); 1 when the harness or a benchmark's setup failed; 2 on bad usage.
 */
import { availableParallelism, cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import {
  BENCHMARKS,
  type BenchContext,
  type Benchmark,
  type DatabaseProfile,
  type LoadSpec,
  type Measurement,
} from "./benchmarks.js";
import { type BenchServer, benchServer } from "./server.js";

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  only: string | undefined;
  json: boolean;
}

interface Outcome {
  name: string;
  unit: string;
  description: string;
  measurement: Measurement | null;
  failure: string | null;
  baselineName: string | null;
  baseline: number | null;
  ratio: number | null;
  target: number | null;
  pass: boolean;
}

class UsageError extends Error {}

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function parseOptions(argv: string[]): Options & { help: boolean; list: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      duration: { type: "string", default: "5" },
      warmup: { type: "string", default: "1" },
      connections: { type: "string", default: "10" },
      only: { type: "string" },
      json: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const number = (flag: string, raw: string, min: number, max: number, integer = false) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new UsageError(`--${flag} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}`);
    }
    return n;
  };
  return {
    duration: number("duration", values.duration, 1, 300, true),
    warmup: number("warmup", values.warmup, 0, 60, true),
    connections: number("connections", values.connections, 1, 1000, true),
    only: values.only,
    json: values.json,
    list: values.list,
    help: values.help,
  };
}

/**
 * The selected benchmarks, each preceded by its baseline chain, in definition order. A benchmark
 * with a database profile runs on its own server, so its baseline and related benchmarks are
 * measured again there, as copies named "healthz @archive-5000".
 */
function select(only: string | undefined): Benchmark<any>[] {
  const byName = new Map(BENCHMARKS.map((b) => [b.name, b]));
  const chosen: Benchmark<any>[] = [];
  const onProfile = (b: Benchmark<any>, profile: DatabaseProfile | undefined): Benchmark<any> => {
    if (!profile || b.database) return b;
    return { ...b, name: `${b.name} @${profile.name}`, database: profile };
  };
  const add = (name: string, seen: Set<string>, profile?: DatabaseProfile) => {
    const found = byName.get(name);
    if (!found) throw new UsageError(`unknown benchmark "${name}" (known: ${[...byName.keys()].join(", ")})`);
    if (seen.has(name)) throw new Error(`benchmark baselines form a cycle at "${name}"`);
    let b = onProfile(found, profile);
    const p = b.database;
    const moved = (other: string) => (p && !byName.get(other)?.database ? `${other} @${p.name}` : other);
    if (b.baselineName) b = { ...b, baselineName: moved(b.baselineName) };
    for (const other of found.related ?? []) add(other, new Set([...seen, name]), p);
    if (found.baselineName) add(found.baselineName, new Set([...seen, name]), p);
    if (!chosen.some((c) => c.name === b.name)) chosen.push(b);
  };
  for (const name of only ? [only] : BENCHMARKS.map((b) => b.name)) add(name, new Set());
  return chosen;
}

/** Benchmarks grouped by the server they need: the plain one first, then one per profile. */
function servers(chosen: Benchmark<any>[]) {
  const groups = new Map<string, { profile?: DatabaseProfile; benchmarks: Benchmark<any>[] }>();
  for (const b of chosen) {
    const key = b.database?.name ?? "";
    if (!groups.has(key)) groups.set(key, { profile: b.database, benchmarks: [] });
    groups.get(key)!.benchmarks.push(b);
  }
  return [...groups.values()].sort((a, b) => (a.profile ? 1 : 0) - (b.profile ? 1 : 0));
}

/**
 * Responses with the wrong status count as errors: any non-2xx by default, or anything other
 * than `expectStatus` when the benchmark names one (a 304 run expects 304, and a 200 there
 * would mean revalidation failed).
 */
function describeErrors(r: autocannon.Result, expectStatus?: number): { errors: number; detail: string } {
  const parts: string[] = [];
  const wrong = (code: string) => (expectStatus ? code !== String(expectStatus) : !code.startsWith("2"));
  let wrongStatus = 0;
  for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
    if (wrong(code) && count > 0) {
      parts.push(`${code}×${count}`);
      wrongStatus += count;
    }
  }
  // autocannon's `errors` already includes timeouts.
  const connectionErrors = r.errors - r.timeouts;
  if (connectionErrors > 0) parts.push(`${connectionErrors} connection errors`);
  if (r.timeouts > 0) parts.push(`${r.timeouts} timeouts`);
  if (r.mismatches > 0) parts.push(`${r.mismatches} body mismatches`);
  // A run in which no response came back (every request slower than the run) measured nothing.
  const none = r.requests.total === 0 ? 1 : 0;
  if (none) parts.push("no response completed during the run");
  return { errors: r.errors + r.mismatches + wrongStatus + none, detail: parts.join(", ") };
}

/**
 * `[<id>]` in bodies becomes a fresh id per request. autocannon 8's own idReplacement declares
 * a Content-Length for 33-character ids but its url-safe ids are ~24 characters, so servers wait
 * for bytes that never come; rebuilding the request in setupRequest gets the length right.
 */
function withFreshIds(spec: LoadSpec): autocannon.RequestSpec[] {
  const prefix = Math.random().toString(36).slice(2, 10);
  let n = 0;
  const fresh = (text: string | undefined) =>
    text?.replace(/\[<id>\]/g, () => `${prefix}${(n++).toString(36)}`);
  return (spec.requests ?? [{}]).map((request) => ({
    ...request,
    setupRequest: (req, context) => {
      const built = request.setupRequest ? request.setupRequest(req, context) : req;
      return built && { ...built, body: fresh(built.body) };
    },
  }));
}

let current: autocannon.Instance | undefined;

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    current = autocannon(options, (error, result) => {
      current = undefined;
      if (error) reject(error);
      else resolve(result);
    });
  });
}

function makeContext(
  baseUrl: string,
  adminKey: string,
  options: Options,
  cleanups: (() => void | Promise<void>)[],
): BenchContext {
  const fixtures = new Map<string, Promise<unknown>>();
  const ctx: BenchContext = {
    baseUrl,
    adminKey,
    settings: { duration: options.duration, warmup: options.warmup, connections: options.connections },
    cleanup(fn) {
      cleanups.push(fn);
    },
    async api(method, path, { body, auth = false } = {}) {
      const headers: Record<string, string> = { accept: "application/json" };
      if (auth) headers.authorization = `Bearer ${adminKey}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(new URL(path, baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text for error messages
      }
      return { status: res.status, body: parsed };
    },
    fixture<T>(name: string, create: () => Promise<T>): Promise<T> {
      let value = fixtures.get(name);
      if (!value) {
        value = create();
        fixtures.set(name, value);
      }
      return value as Promise<T>;
    },
    async load(spec: LoadSpec): Promise<Measurement> {
      const method = spec.method ?? "GET";
      const url = new URL(spec.path, baseUrl).toString();
      if (new URL(url).origin !== new URL(baseUrl).origin)
        throw new Error(`${spec.path} leaves the bench server`);
      // One unmeasured request first, so a broken endpoint fails clearly instead of being timed.
      if (method === "GET" && !spec.requests) {
        const res = await fetch(url, { headers: spec.headers, signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        const ok = spec.expectStatus
          ? res.status === spec.expectStatus
          : res.status >= 200 && res.status <= 299;
        if (!ok) {
          const wanted = spec.expectStatus ? `, expected ${spec.expectStatus}` : "";
          throw new Error(
            `GET ${spec.path} answered ${res.status}${wanted} before the run: ${text.slice(0, 300)}`,
          );
        }
      }
      const base: autocannon.Options = {
        url,
        method,
        headers: spec.headers,
        body: spec.body,
        requests: spec.idReplacement ? withFreshIds(spec) : spec.requests,
        connections: spec.connections ?? options.connections,
        timeout: 10,
      };
      if (options.warmup > 0) await cannon({ ...base, duration: options.warmup });
      const r = await cannon({ ...base, duration: options.duration });
      const { errors, detail } = describeErrors(r, spec.expectStatus);
      // Bytes read include the headers, so full bodies of N bytes average more than N a response.
      const perResponse = r.requests.total > 0 ? r.throughput.total / r.requests.total : 0;
      if (spec.minBytesPerResponse && perResponse < spec.minBytesPerResponse) {
        throw new Error(
          `responses averaged ${Math.round(perResponse)} bytes, expected at least ${spec.minBytesPerResponse}`,
        );
      }
      return {
        value: r.requests.average,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        errors,
        errorDetail: detail,
      };
    },
  };
  return ctx;
}

function machine() {
  const list = cpus();
  return {
    node: process.version,
    cpus: typeof availableParallelism === "function" ? availableParallelism() : list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    totalMemGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function verdict(o: Outcome): string {
  if (o.failure) return "ERROR";
  if (o.measurement && o.measurement.errors > 0) return `FAIL (${o.measurement.errors} errors)`;
  if (o.target !== null && o.ratio === null) return "n/a (no baseline)";
  return o.pass ? "pass" : "FAIL (below target)";
}

function humanReport(outcomes: Outcome[], options: Options, m: ReturnType<typeof machine>): string {
  const header = ["benchmark", "value", "p99 ms", "baseline", "ratio", "target", "errors", "result"];
  const rows = outcomes.map((o) => [
    o.name,
    o.measurement ? `${Math.round(o.measurement.value)} ${o.unit}` : "-",
    o.measurement ? String(o.measurement.p99Ms) : "-",
    o.baseline !== null ? `${Math.round(o.baseline)} (${o.baselineName})` : "-",
    o.ratio !== null ? o.ratio.toFixed(2) : "-",
    o.target !== null ? `>= ${o.target.toFixed(2)}` : "-",
    o.measurement ? String(o.measurement.errors) : "-",
    verdict(o),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const right = new Set([1, 2, 4, 6]);
  const line = (r: string[]) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const out = [
    `Convene bench: ${options.duration} s per benchmark after ${options.warmup} s warm-up, ${options.connections} connections, loopback`,
    `${m.node} on ${m.platform}, ${m.cpus} x ${m.cpuModel}, ${m.totalMemGb} GB`,
    "",
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
  ];
  const notes = outcomes.flatMap((o) => {
    if (o.failure) return [`${o.name}: ${o.failure}`];
    const lines: string[] = [];
    if (o.measurement?.errorDetail)
      lines.push(`${o.name}: errors during the run: ${o.measurement.errorDetail}`);
    const details = Object.entries(o.measurement?.details ?? {});
    if (details.length) lines.push(`${o.name}: ${details.map(([k, v]) => `${k} ${v}`).join(", ")}`);
    return lines;
  });
  if (notes.length > 0) out.push("", ...notes);
  return `${out.join("\n")}\n`;
}

function jsonReport(outcomes: Outcome[], options: Options, m: ReturnType<typeof machine>) {
  return {
    machine: m,
    settings: {
      durationSeconds: options.duration,
      warmupSeconds: options.warmup,
      connections: options.connections,
    },
    results: outcomes.map((o) => ({
      name: o.name,
      unit: o.unit,
      value: o.measurement ? round(o.measurement.value, 1) : null,
      baseline: o.baseline !== null ? round(o.baseline, 1) : null,
      ratio: o.ratio !== null ? round(o.ratio, 3) : null,
      target: o.target,
      p99Ms: o.measurement ? o.measurement.p99Ms : null,
      requests: o.measurement ? o.measurement.requests : 0,
      errors: o.measurement ? o.measurement.errors : null,
      pass: o.pass,
      ...(o.measurement?.errorDetail ? { errorDetail: o.measurement.errorDetail } : {}),
      ...(o.measurement?.details ? { details: o.measurement.details } : {}),
      ...(o.failure ? { error: o.failure } : {}),
    })),
  };
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  let chosen: Benchmark<any>[];
  try {
    options = parseOptions(process.argv.slice(2));
    chosen = select(options.only);
  } catch (e) {
    if (e instanceof UsageError || (e instanceof TypeError && "code" in e)) {
      process.stderr.write(`bench: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
  if (options.help) {
    process.stdout.write(
      "Usage: npm run bench -- [--only NAME] [--duration S] [--warmup S] [--connections N] [--json] [--list]\n",
    );
    return 0;
  }
  if (options.list) {
    for (const b of BENCHMARKS) {
      const vs = !b.baselineName
        ? " (baseline)"
        : b.target === null
          ? ` (compared with ${b.baselineName})`
          : ` (>= ${b.target} x ${b.baselineName})`;
      process.stdout.write(`${b.name.padEnd(16)} ${b.description}${vs}\n`);
    }
    return 0;
  }

  let server: BenchServer | undefined;
  const onExit = () => server?.killNow();
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    current?.stop();
    (server?.stop() ?? Promise.resolve()).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const outcomes: Outcome[] = [];
  try {
    for (const group of servers(chosen)) {
      server = benchServer({
        env: Object.assign({}, ...group.benchmarks.map((b) => b.serverEnv ?? {})),
        prepare: group.profile?.prepare,
      });
      const cleanups: (() => void | Promise<void>)[] = [];
      try {
        const data = group.profile ? `the ${group.profile.name} database` : "a fresh database";
        log(`starting the server on ${data} ...`);
        let ctx: BenchContext | undefined;
        let startFailure: string | null = null;
        try {
          const { baseUrl, adminKey } = await server.start();
          log(`server up at ${baseUrl}`);
          ctx = makeContext(baseUrl, adminKey, options, cleanups);
        } catch (e) {
          startFailure = `server did not start: ${e instanceof Error ? e.message : String(e)}`;
          log(startFailure);
        }
        for (const b of group.benchmarks)
          outcomes.push(await measure(b, ctx, startFailure, outcomes, options));
      } finally {
        for (const fn of cleanups.reverse()) {
          try {
            await fn();
          } catch (e) {
            log(`cleanup failed: ${e instanceof Error ? e.message : String(e)}`);
          }
        }
        await server.stop();
      }
    }

    const m = machine();
    if (options.json) process.stdout.write(`${JSON.stringify(jsonReport(outcomes, options, m), null, 2)}\n`);
    else process.stdout.write(humanReport(outcomes, options, m));
    return outcomes.some((o) => o.failure) ? 1 : 0;
  } finally {
    process.off("exit", onExit);
  }
}

/** Sets up and runs one benchmark, and compares it with its baseline measured before it. */
async function measure(
  b: Benchmark<any>,
  ctx: BenchContext | undefined,
  startFailure: string | null,
  outcomes: Outcome[],
  options: Options,
): Promise<Outcome> {
  const outcome: Outcome = {
    name: b.name,
    unit: b.unit,
    description: b.description,
    measurement: null,
    failure: startFailure,
    baselineName: b.baselineName,
    baseline: null,
    ratio: null,
    target: b.target,
    pass: false,
  };
  if (!ctx) return outcome;
  try {
    const state = b.setup ? await b.setup(ctx) : undefined;
    log(
      b.unit === "msgs/s"
        ? `${b.name}: sending ...`
        : `${b.name}: ${options.warmup} s warm-up + ${options.duration} s ...`,
    );
    outcome.measurement = await b.run(ctx, state);
  } catch (e) {
    outcome.failure = e instanceof Error ? e.message : String(e);
    log(`${b.name}: failed: ${outcome.failure}`);
  }
  const base = b.baselineName ? outcomes.find((o) => o.name === b.baselineName) : undefined;
  const baseValue = base?.measurement && base.measurement.errors === 0 ? base.measurement.value : null;
  if (outcome.measurement) {
    outcome.baseline = baseValue;
    outcome.ratio = baseValue ? outcome.measurement.value / baseValue : null;
    const clean = outcome.measurement.errors === 0;
    const meetsTarget = b.target === null || (outcome.ratio !== null && outcome.ratio >= b.target);
    outcome.pass = clean && meetsTarget;
  }
  return outcome;
}

try {
  process.exitCode = await main();
} catch (e) {
  process.stderr.write(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
}
