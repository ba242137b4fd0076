import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareLocalClient } from "../src/db/client.js";
import type { LocalClient } from "../src/db/local-client.js";
import { openClient } from "../src/db/open-node.js";
import type { Measurement } from "./types.js";

/**
 * The floor under any write endpoint: one INSERT of one row, committed on its own, through the
 * same client the server uses (openClient: our LocalClient on a file database, with the
 * server's pragmas: WAL, foreign keys, busy timeout), with `connections` inserts outstanding
 * at a time, measured in this process.
 * The row looks like a small registration: a text key, an email under a unique index, a time.
 */
export async function bareInsert(settings: {
  duration: number;
  warmup: number;
  connections: number;
}): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), "convene-bare-insert-"));
  const client = openClient(`file:${join(dir, "bare.db")}`);
  try {
    await prepareLocalClient(client);
    await client.execute(
      "CREATE TABLE bare (id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL)",
    );
    // LocalClient's execute() now sends every write through group commit; the floor is one
    // statement committed on its own, so this calls its autocommit run() directly.
    const local = client as unknown as LocalClient;
    let n = 0;
    const insert = async () => {
      n++;
      return local.run({
        sql: "INSERT INTO bare (id, email, created_at) VALUES (?, ?, ?)",
        args: [`row_${n}`, `bench-${n}@example.org`, Date.now()],
      });
    };
    const drive = async (seconds: number, latencies?: number[]) => {
      const end = performance.now() + seconds * 1000;
      let count = 0;
      let failures = 0;
      await Promise.all(
        Array.from({ length: settings.connections }, async () => {
          while (performance.now() < end) {
            const started = performance.now();
            try {
              await insert();
              count++;
            } catch {
              failures++;
            }
            latencies?.push(performance.now() - started);
          }
        }),
      );
      return { count, failures };
    };
    if (settings.warmup > 0) await drive(settings.warmup);
    const latencies: number[] = [];
    const started = performance.now();
    const { count, failures } = await drive(settings.duration, latencies);
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0;
    return {
      value: count / seconds,
      p99Ms: Math.round(p99 * 100) / 100,
      requests: count,
      errors: failures,
      errorDetail: failures ? `${failures} failed inserts` : "",
    };
  } finally {
    client.close();
    await rm(dir, { recursive: true, force: true });
  }
}
