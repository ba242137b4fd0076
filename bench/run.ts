import { parseArgs } from "node:util";
import { BENCHMARKS } from "./benchmarks.js";
import { type BundleSize, bundleLine, measureBundle } from "./bundle.js";
import { makeContext, stopLoad } from "./load.js";
import { humanReport, jsonReport, machine, type Options, type Outcome } from "./report.js";
import { type BenchServer, benchServer } from "./server.js";
import type { BenchContext, Benchmark, DatabaseProfile } from "./types.js";
import { workerBenchServer } from "./worker-server.js";

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
    if (b.baselineName && !found.baselineElsewhere) b = { ...b, baselineName: moved(b.baselineName) };
    for (const other of found.related ?? []) add(other, new Set([...seen, name]), p);
    if (found.baselineName && !found.baselineElsewhere) add(found.baselineName, new Set([...seen, name]), p);
    if (!chosen.some((c) => c.name === b.name)) chosen.push(b);
  };
  for (const name of only ? only.split(",") : BENCHMARKS.map((b) => b.name)) add(name, new Set());
  return chosen;
}

/**
 * Benchmarks grouped by the server they need: the plain one first, then one per profile, then
 * the Worker (`wrangler dev`).
 */
function servers(chosen: Benchmark<any>[]) {
  type Group = { profile?: DatabaseProfile; worker: boolean; benchmarks: Benchmark<any>[] };
  const groups = new Map<string, Group>();
  for (const b of chosen) {
    const worker = b.runtime === "worker";
    const key = worker ? "worker:" : (b.database?.name ?? "");
    if (!groups.has(key))
      groups.set(key, { profile: worker ? undefined : b.database, worker, benchmarks: [] });
    groups.get(key)!.benchmarks.push(b);
  }
  const order = (g: Group) => (g.worker ? 2 : g.profile ? 1 : 0);
  return [...groups.values()].sort((a, b) => order(a) - order(b));
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
      "Usage: npm run bench -- [--only NAME[,NAME...]] [--duration S] [--warmup S] [--connections N] [--json] [--list]\n",
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
    stopLoad();
    (server?.stop() ?? Promise.resolve()).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("exit", onExit);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const outcomes: Outcome[] = [];
  try {
    for (const group of servers(chosen)) {
      const env = Object.assign({}, ...group.benchmarks.map((b) => b.serverEnv ?? {}));
      server = group.worker ? workerBenchServer(env) : benchServer({ env, prepare: group.profile?.prepare });
      const cleanups: (() => void | Promise<void>)[] = [];
      try {
        const data = group.profile ? `the ${group.profile.name} database` : "a fresh database";
        log(
          group.worker
            ? "starting wrangler dev on a fresh local D1 ..."
            : `starting the server on ${data} ...`,
        );
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
        const measured: Outcome[] = [];
        for (const b of group.benchmarks)
          measured.push(await measure(b, ctx, startFailure, [...outcomes, ...measured], options));
        const rss = server.peakRssMiB();
        log(`server on ${data}: peak RSS ${rss ?? "unknown"} MiB`);
        for (const o of measured)
          if (o.measurement && rss !== null)
            o.measurement.details = { ...o.measurement.details, serverPeakRssMiB: rss };
        outcomes.push(...measured);
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
    let bundle: BundleSize | { error: string };
    try {
      bundle = measureBundle();
    } catch (e) {
      bundle = { error: `wrangler deploy --dry-run failed: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (options.json)
      process.stdout.write(
        `${JSON.stringify({ ...jsonReport(outcomes, options, m), workerBundle: bundle }, null, 2)}\n`,
      );
    else
      process.stdout.write(
        `${humanReport(outcomes, options, m)}\n${"error" in bundle ? bundle.error : bundleLine(bundle)}\n`,
      );
    const bundleFails = "error" in bundle || !bundle.within;
    return outcomes.some((o) => o.failure) || bundleFails ? 1 : 0;
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
  const baseValue =
    outcome.measurement?.pairedBaseline ??
    (base?.measurement && base.measurement.errors === 0 ? base.measurement.value : null);
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
