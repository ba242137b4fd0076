import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../src/config.js";
import { createApiKey } from "../src/features/auth/service.js";
import { systemClock } from "../src/lib/clock.js";
import { cryptoTokens } from "../src/lib/tokens.js";
import { openNodeDb } from "../src/runtime/node-deps.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const HOST = "127.0.0.1"; // loopback only: the bench never points at anything else

export interface BenchServer {
  /**
   * Creates the database and its admin key, starts the child and waits until it is healthy.
   * `adminKey` was written directly into the fresh database before the server started.
   */
  start(): Promise<{ baseUrl: string; adminKey: string }>;
  /** Stops the child and deletes the temporary database; safe to call more than once. */
  stop(): Promise<void>;
  /** Synchronous best-effort kill, for a process "exit" handler. */
  killNow(): void;
  /** The server process's peak resident memory so far (VmHWM), in MiB; null once it has exited. */
  peakRssMiB(): number | null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("could not find a free port"))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The server under test: `node --import tsx src/node.ts` on a free loopback port with a fresh file
 * database in a temporary directory. Created before it is started so that the caller can hook
 * stop/killNow to signals first.
 */
export function benchServer(
  options: {
    startTimeoutMs?: number;
    env?: Record<string, string>;
    /** Writes data into the migrated database file before the server process starts. */
    prepare?: (databaseUrl: string) => Promise<void>;
  } = {},
): BenchServer {
  let dir: string | undefined;
  let child: ChildProcess | undefined;
  let stopped = false;
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const killNow = () => {
    if (running()) child!.kill("SIGKILL");
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (running()) {
      const exited = new Promise<void>((r) => child!.once("exit", () => r()));
      child!.kill("SIGTERM");
      const graceful = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!graceful) {
        child!.kill("SIGKILL");
        await exited;
      }
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  };

  const start = async () => {
    if (child || stopped) throw new Error("the bench server can only be started once");
    dir = await mkdtemp(join(tmpdir(), "convene-bench-"));
    const databaseUrl = `file:${join(dir, "bench.db")}`;

    // openNodeDb creates and migrates the file; a profile's data goes in (or replaces it with a
    // migrated copy), then the key goes straight into it.
    if (options.prepare) {
      (await openNodeDb(parseConfig({ DATABASE_URL: databaseUrl }))).close();
      await options.prepare(databaseUrl);
    }
    const { db, close } = await openNodeDb(parseConfig({ DATABASE_URL: databaseUrl }));
    let adminKey: string;
    try {
      ({ key: adminKey } = await createApiKey(
        { db, clock: systemClock, tokens: cryptoTokens },
        { name: "bench", scopes: ["admin"] },
      ));
    } finally {
      close();
    }

    const port = await freePort();
    const baseUrl = `http://${HOST}:${port}`;
    // BENCH_PROFILE=<dir> writes a V8 CPU profile of each server into <dir> (open it in Chrome
    // DevTools or speedscope) to see where a benchmark's time goes.
    const profile = process.env.BENCH_PROFILE
      ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
    child = spawn(process.execPath, [...profile, "--import", "tsx", "src/node.ts"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATABASE_AUTH_TOKEN: "",
        HOST,
        PORT: String(port),
        PUBLIC_URL: baseUrl,
        LOG_LEVEL: "silent",
        // Mail the scheduler sends (confirmations of the registration benchmark) stays in the
        // temporary directory instead of piling up in ./data/mail of the checkout.
        MAIL_DIR: join(dir, "mail"),
        SMTP_URL: "",
        EMAIL_API_KEY: "",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    let exitInfo: string | undefined;
    child.once("exit", (code, signal) => {
      exitInfo = signal ? `signal ${signal}` : `code ${code}`;
    });

    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      if (exitInfo) throw new Error(`the server exited during start-up (${exitInfo}):\n${output.trim()}`);
      try {
        const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        throw new Error(`the server did not answer GET /healthz with 200 in time:\n${output.trim()}`);
      }
      await sleep(100);
    }
    return { baseUrl, adminKey };
  };

  const peakRssMiB = () => {
    if (!running() || child!.pid === undefined) return null;
    try {
      const kib = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child!.pid}/status`, "utf8"))?.[1];
      return kib ? Math.round(Number(kib) / 1024) : null;
    } catch {
      return null; // not Linux, or gone
    }
  };

  return { start, stop, killNow, peakRssMiB };
}
