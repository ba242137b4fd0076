import type { BenchContext, Benchmark, DatabaseProfile, Measurement } from "./benchmarks.js";
import { makeContext } from "./load.js";
import { SCALE, scaleDatabase } from "./scale-data.js";
import { benchServer } from "./server.js";

/**
 * Issue 14's scale rows: event-read, calendar-full, calendar-304, archive-search and registration
 * again on a database of 1,000,000 registrations, 50,000 events and 200,000 briefs, each
 * compared with the same row on the small database.
 *
 * The comparison is paired: a second server on the small database (the row's own: fresh, or the
 * archive's) runs next to the scale server, and the two are measured in alternating slices.
 * On a machine shared with other work, two runs minutes apart differ by more than the effect
 * measured (healthz alone swung from 179 to 2,753 req/s in one run); slices seconds apart see
 * the same machine.
 */
const ROUNDS = 9;
const SCALE_ROWS = ["event-read", "calendar-full", "calendar-304", "archive-search", "registration"];
// The small rows' servers run with the rate limit off too (as the registration rows' do).
const TWIN_ENV = { REGISTRATION_RATE_LIMIT: "0" };

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/** A context on a server of the small database, started once per profile and run. */
function twin(ctx: BenchContext, profile: DatabaseProfile | undefined): Promise<BenchContext> {
  const name = profile?.name ?? "fresh";
  return ctx.fixture(`small-twin:${name}`, async () => {
    const server = benchServer({ env: TWIN_ENV, prepare: profile?.prepare });
    const cleanups: (() => void | Promise<void>)[] = [];
    ctx.cleanup(async () => {
      for (const fn of cleanups.reverse()) await fn();
      log(`small ${name} server (paired): peak RSS ${server.peakRssMiB() ?? "unknown"} MiB`);
      await server.stop();
    });
    const { baseUrl, adminKey } = await server.start();
    log(`small ${name} server (paired) up at ${baseUrl}; warming it up as healthz warms the scale one`);
    const small = makeContext(baseUrl, adminKey, { ...ctx.settings, only: undefined, json: false }, cleanups);
    // A cold server (no JIT yet) measured against a warm one made the first slices 5x apart.
    await small.load({ path: "/healthz" });
    return small;
  });
}

/** The same server with one-second runs (no warm-up unless asked): one slice of the alternation. */
function sliced(ctx: BenchContext, warmup = 0): BenchContext {
  const settings = { ...ctx.settings, duration: 1, warmup, only: undefined, json: false };
  return makeContext(ctx.baseUrl, ctx.adminKey, settings, []);
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

function combine(slices: Measurement[]): Measurement {
  const sum = (f: (m: Measurement) => number) => slices.reduce((n, m) => n + f(m), 0);
  return {
    value: sum((m) => m.value) / slices.length,
    p99Ms: Math.max(...slices.map((m) => m.p99Ms)),
    requests: sum((m) => m.requests),
    errors: sum((m) => m.errors),
    errorDetail: slices
      .map((m) => m.errorDetail)
      .filter(Boolean)
      .join("; "),
  };
}

function scaleRow(row: Benchmark<any>, profile: DatabaseProfile): Benchmark<any> {
  return {
    ...row,
    name: `scale-${row.name}`,
    description: `${row.name} on the scale database (${SCALE.registrations.toLocaleString("en")} registrations, ${SCALE.events.toLocaleString("en")} events, ${SCALE.briefs.toLocaleString("en")} briefs), in ${ROUNDS} one-second slices alternating with ${row.name} on its small database; ratio: the median of the slices' ratios`,
    database: profile,
    related: ["healthz"],
    baselineName: `${row.name} (paired)`,
    baselineElsewhere: true,
    target: 0.8,
    setup: async (ctx) => {
      const small = await twin(ctx, row.database);
      return {
        small,
        smallState: row.setup ? await row.setup(small) : undefined,
        state: row.setup ? await row.setup(ctx) : undefined,
      };
    },
    run: async (ctx, { small, smallState, state }) => {
      // One warm-up of each first, as any row has; then one-second slices, alternating.
      await row.run(sliced(small, ctx.settings.warmup), smallState);
      await row.run(sliced(ctx, ctx.settings.warmup), state);
      const smallSlices: Measurement[] = [];
      const scaleSlices: Measurement[] = [];
      const smallSliced = sliced(small);
      const scaleSliced = sliced(ctx);
      for (let i = 0; i < ROUNDS; i++) {
        // Alternate which goes first, so neither always follows the other's load.
        for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
          if (which === 0) smallSlices.push(await row.run(smallSliced, smallState));
          else scaleSlices.push(await row.run(scaleSliced, state));
        }
      }
      const smallRun = combine(smallSlices);
      const scaleRun = combine(scaleSlices);
      // The median of the slices' ratios: a burst of other work on the machine spoils a slice
      // or two, not the figure.
      const ratios = scaleSlices.map((m, i) => m.value / smallSlices[i]!.value);
      const ratio = median(ratios);
      return {
        ...scaleRun,
        pairedBaseline: smallRun.errors === 0 && ratio > 0 ? scaleRun.value / ratio : undefined,
        details: {
          smallReqPerS: Math.round(smallRun.value),
          sliceRatios: ratios.map((r) => r.toFixed(2)).join(" "),
        },
      };
    },
  };
}

/** The scale rows, made from the small rows they repeat. */
export function scaleRows(small: Benchmark<any>[]): Benchmark<any>[] {
  const profile = scaleDatabase();
  return SCALE_ROWS.map((name) => scaleRow(small.find((b) => b.name === name)!, profile));
}
