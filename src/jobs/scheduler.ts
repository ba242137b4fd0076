import type { Deps } from "../deps.js";
import { logDueWork, runDueWork } from "./due-work.js";

export interface Scheduler {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs the due work in the Node process every `intervalSeconds` (0 = off). The next run is
 * timed from the end of the previous one, so runs never overlap; other processes on the same
 * database may run it too (claims are atomic). The first run starts at once, so mail queued
 * while the server was down goes out on start-up.
 */
export function startScheduler(deps: Deps, intervalSeconds: number): Scheduler {
  if (intervalSeconds <= 0) return { stop: async () => {} };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const tick = () => {
    // A fan-out that the run's budget stopped mid-way (reminders/fanout.ts) goes on at once.
    let again = false;
    running = runDueWork(deps)
      .then((r) => {
        again = r.reminders.paused > 0;
        logDueWork(deps, r);
      })
      .catch((err: unknown) => {
        deps.log("error", "due work failed", { error: err instanceof Error ? err.message : String(err) });
      })
      .finally(() => {
        running = undefined;
        if (!stopped) schedule(again ? 0 : intervalSeconds * 1000);
      });
  };
  const schedule = (ms: number) => {
    timer = setTimeout(tick, ms);
    timer.unref?.(); // the HTTP server keeps the process alive, not the scheduler
  };

  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
