import { readdirSync, readFileSync } from "node:fs";
import { type LocalWorker, startLocalWorker } from "../test/support/local-worker.js";
import type { BenchServer } from "./server.js";

/**
 * The Worker as the bench server: one `wrangler dev` process on a fresh local D1 (the
 * conformance suite's test/support/local-worker.ts), with `env` as Worker vars. Its rows are
 * compared with `worker-healthz` of the same process, never with the Node server's.
 */
export function workerBenchServer(env: Record<string, string> = {}): BenchServer {
  let worker: LocalWorker | undefined;
  let stopped = false;
  return {
    async start() {
      if (worker || stopped) throw new Error("the bench server can only be started once");
      // Silent like the Node bench server: a JSON log line per request is not what is measured.
      worker = await startLocalWorker({ LOG_LEVEL: "silent", ...env });
      return { baseUrl: worker.baseUrl, adminKey: worker.apiKey };
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker?.stop();
    },
    killNow: () => worker?.killNow(),
    peakRssMiB: () => (worker?.processGroup ? workerdPeakRssMiB(worker.processGroup) : null),
  };
}

/**
 * Peak RSS (VmHWM) of the workerd process in wrangler dev's process group: the runtime that
 * serves the requests, not wrangler's Node wrapper. Null where /proc is missing.
 */
function workerdPeakRssMiB(group: number): number | null {
  try {
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the ")" of the command name: state, ppid, pgrp, ...
      const [comm, rest] = [
        stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
        stat.slice(stat.lastIndexOf(")") + 2),
      ];
      if (comm !== "workerd" || Number(rest.split(" ")[2]) !== group) continue;
      const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
      return kib ? Math.round(Number(kib) / 1024) : null;
    }
  } catch {
    // not Linux, or a process ended while being read
  }
  return null;
}
