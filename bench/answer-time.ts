import type { BenchContext, Measurement } from "./types.js";

/**
 * Whether a registration's answer time tells a new address from a registered one (issue 13):
 * one client alternates a new address and an address registered before, one request at a
 * time, for the run's duration, and keeps each answer's time. The two medians (and p90s) are
 * compared in the report: a ratio near 1 means the time does not tell.
 */
export interface AnswerTimes {
  created: number[];
  known: number[];
}

export async function answerTimes(ctx: BenchContext, slug: string): Promise<AnswerTimes> {
  const path = `${ctx.baseUrl}/api/v1/events/${encodeURIComponent(slug)}/registrations`;
  const post = async (email: string) => {
    const started = performance.now();
    const res = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Bench Timing", email, consent: true }),
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`POST registrations answered ${res.status}`);
    return performance.now() - started;
  };
  const known = Array.from({ length: 50 }, (_, i) => `bench-known-${i}@example.org`);
  for (const email of known) await post(email);
  const times: AnswerTimes = { created: [], known: [] };
  const until = performance.now() + ctx.settings.duration * 1000;
  for (let i = 0; performance.now() < until; i++) {
    times.created.push(await post(`bench-timing-${i}-${Math.random().toString(36).slice(2)}@example.org`));
    times.known.push(await post(known[i % known.length]!));
  }
  return times;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
};

/** One side of the comparison as a measurement: its median in ms, its p90 and p99 as details. */
export function timeMeasurement(xs: number[]): Measurement {
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    value: round(percentile(xs, 0.5)),
    p99Ms: round(percentile(xs, 0.99)),
    requests: xs.length,
    errors: 0,
    errorDetail: "",
    details: { p90Ms: round(percentile(xs, 0.9)) },
  };
}
