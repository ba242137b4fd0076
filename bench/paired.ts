import { makeContext } from "./load.js";
import type { BenchContext, Measurement } from "./types.js";

/**
 * Paired measurement: two variants measured in alternating one-second slices, so both see the
 * same machine. On a machine shared with other work, two runs minutes apart differ by more than
 * the effect measured (healthz alone swung from 179 to 2,753 req/s in one run); slices seconds
 * apart do not. The ratio is the median of the slices' ratios: a burst of other work spoils a
 * slice or two, not the figure. Used by the scale rows (scale.ts) and registration-webhooks.
 */
export const ROUNDS = 9;

/** The same server with one-second runs (no warm-up unless asked): one slice of the alternation. */
export function sliced(ctx: BenchContext, warmup = 0): BenchContext {
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

/**
 * Runs `base` and `variant` (each one slice) `rounds` times in alternation, each round changing
 * which goes first so neither always follows the other's load. Returns the variant's combined
 * measurement with the base as its paired baseline (value / median ratio).
 */
export async function alternate(
  base: () => Promise<Measurement>,
  variant: () => Promise<Measurement>,
  baseLabel = "baselineReqPerS",
  rounds = ROUNDS,
): Promise<Measurement> {
  const baseSlices: Measurement[] = [];
  const variantSlices: Measurement[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
      if (which === 0) baseSlices.push(await base());
      else variantSlices.push(await variant());
    }
  }
  const baseRun = combine(baseSlices);
  const variantRun = combine(variantSlices);
  const ratios = variantSlices.map((m, i) => m.value / baseSlices[i]!.value);
  const ratio = median(ratios);
  return {
    ...variantRun,
    pairedBaseline: baseRun.errors === 0 && ratio > 0 ? variantRun.value / ratio : undefined,
    details: {
      [baseLabel]: Math.round(baseRun.value),
      sliceRatios: ratios.map((r) => r.toFixed(2)).join(" "),
    },
  };
}
