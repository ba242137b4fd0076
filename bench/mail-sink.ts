import { type ChildProcess, fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { BenchContext } from "./types.js";

const HOST = "127.0.0.1";
const SINK = fileURLToPath(new URL("./smtp-sink.ts", import.meta.url));

/** The counting SMTP server in a child process (bench/smtp-sink.ts) and how a run is metered. */
// A full collection before each measured part, so its starting heap is not last run's garbage.
setFlagsFromString("--expose-gc");
export const gc = runInNewContext("gc") as () => void;

// ---------------------------------------------------------------------------------------------
// The counting server

export interface Sink {
  url: string;
  /** Zeroes the counters; returns the server's CPU time so far (ms). */
  reset(): Promise<number>;
  count(): Promise<{ count: number; bytes: number; cpuMs: number }>;
  /** Resolves once the server has accepted `n` messages since the last reset (or at the timeout). */
  reached(n: number, ms: number): Promise<{ count: number; bytes: number; cpuMs: number; reached: boolean }>;
  stop(): Promise<void>;
}

export type SinkReply = { op: string; count: number; bytes: number; cpuMs: number; port?: number };

export async function startSink(): Promise<Sink> {
  const child: ChildProcess = fork(SINK, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const replies: ((m: SinkReply) => void)[] = [];
  child.on("message", (m: SinkReply) => replies.shift()?.(m));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = (message?: Record<string, unknown>) =>
    new Promise<SinkReply>((resolve, reject) => {
      const onExit = () => reject(new Error("the SMTP sink exited"));
      child.once("exit", onExit);
      replies.push((m) => {
        child.off("exit", onExit);
        resolve(m);
      });
      if (message) child.send(message);
    });
  const ready = await Promise.race([
    next(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error("the SMTP sink did not start in 30 s")), 30_000).unref(),
    ),
  ]);
  if (ready.op !== "ready" || !ready.port) throw new Error(`the SMTP sink said ${JSON.stringify(ready)}`);
  return {
    url: `smtp://${HOST}:${ready.port}`,
    async reset() {
      return (await next({ op: "reset" })).cpuMs;
    },
    async count() {
      const { count, bytes, cpuMs } = await next({ op: "count" });
      return { count, bytes, cpuMs };
    },
    async reached(n, ms) {
      const r = await next({ op: "await", n, ms });
      return { count: r.count, bytes: r.bytes, cpuMs: r.cpuMs, reached: r.op === "reached" };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/** One sink per bench run, stopped when the run's benchmarks are done. */
export function sink(ctx: BenchContext): Promise<Sink> {
  return ctx.fixture("smtp-sink", async () => {
    const s = await startSink();
    ctx.cleanup(() => s.stop());
    return s;
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * Watches the measured part of a run: peak heapUsed and RSS over their starting values (sampled
 * every 100 ms), what is still on the heap after a full GC at the end (a leak would show here,
 * garbage not collected yet does not), the CPU use of this process (all its threads) and of the
 * SMTP server as a share of one core, and how busy this process's event loop was (which side
 * was the bottleneck).
 */
export async function meter(server: Sink) {
  gc();
  const serverCpu = await server.reset();
  const start = process.memoryUsage();
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  let heap = start.heapUsed;
  let rss = start.rss;
  const sample = () => {
    const m = process.memoryUsage();
    heap = Math.max(heap, m.heapUsed);
    rss = Math.max(rss, m.rss);
  };
  const timer = setInterval(sample, 100);
  return {
    started,
    /** After the run, with the server's last reply. */
    stop(got: { cpuMs: number }) {
      const ms = performance.now() - started;
      clearInterval(timer);
      sample();
      const used = process.cpuUsage(cpu);
      const busy = performance.eventLoopUtilization(loop).utilization;
      gc();
      const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
      const pct = (cpuMs: number) => Math.round((cpuMs / ms) * 100);
      return {
        seconds: Math.round(ms / 10) / 100,
        peakHeapGrowthMb: mb(heap - start.heapUsed),
        peakRssGrowthMb: mb(rss - start.rss),
        heapAfterGcGrowthMb: mb(process.memoryUsage().heapUsed - start.heapUsed),
        cpuPercent: pct((used.user + used.system) / 1000),
        eventLoopBusyPercent: Math.round(busy * 100),
        serverCpuPercent: pct(got.cpuMs - serverCpu),
      };
    },
  };
}

export function p99(latencies: Float64Array, n: number): number {
  const sorted = latencies.subarray(0, n).slice().sort();
  const v = sorted[Math.min(n - 1, Math.floor(n * 0.99))] ?? 0;
  return Math.round(v * 100) / 100;
}

// ---------------------------------------------------------------------------------------------
// Baseline: nodemailer alone
