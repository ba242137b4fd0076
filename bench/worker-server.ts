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
  };
}
