import { makeContext } from "./load.js";
import { alternate, ROUNDS, sliced } from "./paired.js";
import { SCALE, scaleDatabase } from "./scale-data.js";
import { benchServer } from "./server.js";
import type { BenchContext, Benchmark, DatabaseProfile } from "./types.js";

/**
 * Issue 14's scale rows: event-read, calendar-full, calendar-304, archive-search and registration
 * again on a database of 1,000,000 registrations, 50,000 events and 200,000 briefs, each
 * compared with the same row on the small database.
 *
 * The comparison is paired (paired.ts): a second server on the small database (the row's own:
 * fresh, or the archive's) runs next to the scale server, and the two are measured in
 * alternating slices.
 */
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
      const smallSliced = sliced(small);
      const scaleSliced = sliced(ctx);
      return alternate(
        () => row.run(smallSliced, smallState),
        () => row.run(scaleSliced, state),
        "smallReqPerS",
      );
    },
  };
}

/** The scale rows, made from the small rows they repeat. */
export function scaleRows(small: Benchmark<any>[]): Benchmark<any>[] {
  const profile = scaleDatabase();
  return SCALE_ROWS.map((name) => scaleRow(small.find((b) => b.name === name)!, profile));
}
