import { availableParallelism, cpus, totalmem } from "node:os";
import type { Measurement } from "./types.js";

/** What a run reports: the machine, the human table and the JSON summary. */
export interface Options {
  duration: number;
  warmup: number;
  connections: number;
  only: string | undefined;
  json: boolean;
}

export interface Outcome {
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

export function machine() {
  const list = cpus();
  return {
    node: process.version,
    cpus: typeof availableParallelism === "function" ? availableParallelism() : list.length,
    cpuModel: list[0]?.model.trim() ?? "unknown",
    totalMemGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
  };
}

export const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

export function verdict(o: Outcome): string {
  if (o.failure) return "ERROR";
  if (o.measurement && o.measurement.errors > 0) return `FAIL (${o.measurement.errors} errors)`;
  if (o.target !== null && o.ratio === null) return "n/a (no baseline)";
  return o.pass ? "pass" : "FAIL (below target)";
}

export function humanReport(outcomes: Outcome[], options: Options, m: ReturnType<typeof machine>): string {
  const header = ["benchmark", "value", "p99 ms", "baseline", "ratio", "target", "errors", "result"];
  const rows = outcomes.map((o) => [
    o.name,
    o.measurement
      ? `${o.unit === "ms" ? o.measurement.value.toFixed(2) : Math.round(o.measurement.value)} ${o.unit}`
      : "-",
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

export function jsonReport(outcomes: Outcome[], options: Options, m: ReturnType<typeof machine>) {
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
