import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type SinkDelivery, startMailSink } from "../../src/cli/mail-sink.js";
import { apiKeyInsertText } from "../../src/features/auth/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import { answers, freePort, waitFor } from "./process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `npx wrangler ...args` in a process group of its own, killed whole after `ms` (a timeout on
 * npx alone would leave wrangler and its workerd running).
 */
function wranglerCommand(args: string[], env: NodeJS.ProcessEnv, ms: number): Promise<void> {
  const child = spawn("npx", ["wrangler", ...args], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGKILL"), ms);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `wrangler ${args.slice(0, 2).join(" ")} failed (${signal ?? `exit ${code}`}):\n${output}`,
          ),
        );
    });
  });
}

export interface LocalWorker {
  baseUrl: string;
  /** An admin key, inserted into the local D1 before the Worker started (as the README does). */
  apiKey: string;
  /** Every message the local email provider accepted, in order. */
  deliveries: SinkDelivery[];
  /** Fires the cron once through wrangler's scheduled-event endpoint. */
  cron(): Promise<void>;
  stop(): Promise<void>;
  /** Synchronous best-effort kill of the process group, for a process "exit" handler. */
  killNow(): void;
  /** The process group of `wrangler dev` (wrangler, its esbuild and workerd), to measure memory. */
  processGroup: number | undefined;
  /** Runs SQL text on the running Worker's local D1 (`wrangler d1 execute --file`), e.g. bulk seed data. */
  execute(sql: string): Promise<void>;
}

/**
 * `wrangler dev` on a fresh local D1, as deployed but on this machine: migrations and the first
 * key executed with wrangler's own `d1 execute`, mail through the provider's HTTP
 * format to a local sink in this process (src/cli/mail-sink.ts), the cron reachable at
 * `/__scheduled` (`--test-scheduled`). `vars` become Worker vars (`--var NAME:value`). Used by
 * the conformance suite and the bench's worker rows; the process group is killed by `stop`.
 */
export async function startLocalWorker(vars: Record<string, string> = {}): Promise<LocalWorker> {
  const dir = await mkdtemp(join(tmpdir(), "convene-worker-"));
  const persist = ["--persist-to", join(dir, "state")];
  // VSCODE_INSPECTOR_OPTIONS turns off wrangler's devtools relay (wrangler 4.86 ProxyController
  // `inspectorEnabled`, as in VS Code's debug terminal). The relay enables the runtime's Network
  // domain and posts every event, one per D1 query, queue send and fetch, to the wrangler process
  // as a debug-log request whatever the log level: in a 10,000-reminder run, ~1,000 requests and
  // ~2.5 s of CPU in wrangler and its proxy workerd, on this two-core machine, during a 3 s run.
  // No deployment has it, and the Worker's own logs still reach wrangler's output (workerd's
  // structured logs), so the suite and the bench leave it out.
  const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", VSCODE_INSPECTOR_OPTIONS: "{}" };
  const wrangler = (args: string[]) => wranglerCommand(args, env, 150_000);
  let dev: ChildProcess | undefined;
  let sink: Awaited<ReturnType<typeof startMailSink>> | undefined;
  const killNow = () => {
    if (dev?.pid && dev.exitCode === null) process.kill(-dev.pid, "SIGKILL");
  };
  const stop = async () => {
    if (dev?.pid && dev.exitCode === null) {
      const exited = new Promise((r) => dev!.once("exit", r));
      // The whole group: npx, wrangler and workerd.
      process.kill(-dev.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (dev.exitCode === null) process.kill(-dev.pid, "SIGKILL");
    }
    sink?.server.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // The migrations' SQL and the first key in one `wrangler d1 execute`: each command starts a
    // local workerd, and `d1 migrations apply` starts one per migration (over two minutes for
    // the thirteen on a busy machine, against ~30 s for one file). Same statements, same order;
    // only wrangler's d1_migrations bookkeeping is left out (`npm run dev:worker` applies them
    // the deployed way, and test/platform/wrangler-dev.node.test.ts runs that).
    const { key, statement } = await apiKeyInsertText(
      { clock: systemClock, tokens: cryptoTokens },
      { name: "local worker", scopes: ["admin"] },
    );
    const migrations = (await readdir(join(ROOT, "migrations"))).filter((f) => f.endsWith(".sql")).sort();
    const sql = await Promise.all(migrations.map((f) => readFile(join(ROOT, "migrations", f), "utf8")));
    await writeFile(join(dir, "setup.sql"), [...sql, statement].join("\n"));
    await wrangler(["d1", "execute", "DB", "--local", ...persist, "--file", join(dir, "setup.sql")]);

    const deliveries: SinkDelivery[] = [];
    const sinkKey = `sink-${crypto.randomUUID()}`;
    sink = await startMailSink(join(dir, "mail"), sinkKey, { onDelivery: (d) => deliveries.push(d) });
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const allVars = { EMAIL_API_URL: sink.url, EMAIL_API_KEY: sinkKey, LOG_LEVEL: "warn", ...vars };
    let output = "";
    dev = spawn(
      "npx",
      [
        "wrangler",
        "dev",
        "--test-scheduled",
        "--port",
        String(port),
        "--ip",
        "127.0.0.1",
        // No line per request: wrangler's own log would cost every row of a benchmark alike.
        "--log-level",
        "warn",
        ...persist,
        ...Object.entries(allVars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
      ],
      { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-4000);
    };
    dev.stdout!.on("data", keep);
    dev.stderr!.on("data", keep);
    if (!(await waitFor(() => answers(baseUrl), 120_000))) {
      throw new Error(`wrangler dev did not start:\n${output}`);
    }
    return {
      baseUrl,
      apiKey: key,
      deliveries,
      async cron() {
        const res = await fetch(`${baseUrl}/__scheduled?cron=*+*+*+*+*`);
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`the scheduled-event endpoint answered ${res.status}`);
      },
      stop,
      killNow,
      processGroup: dev.pid,
      async execute(text: string) {
        const file = join(dir, `execute-${crypto.randomUUID()}.sql`);
        await writeFile(file, text);
        await wrangler(["d1", "execute", "DB", "--local", ...persist, "--file", file]);
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Gives a local Worker's event `n` confirmed registrants (ids and addresses tagged `tag`, so
 * several events can be seeded in one database), each with its join key as a registration made
 * through the API has (engine.ts), and makes the event's reminders due a second ago: two
 * statements with a recursive CTE instead of n API calls. Addresses: `queue-<tag>-<i>@example.org`.
 */
export async function seedDueReminder(
  worker: LocalWorker,
  eventId: string,
  n: number,
  tag: string,
): Promise<void> {
  const at = Date.now() - 61_000;
  await worker.execute(
    `WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
     INSERT INTO attendees (id, email, name, created_at, updated_at)
     SELECT printf('att_q${tag}_%06d', i), printf('queue-${tag}-%d@example.org', i), printf('Attendee %d', i), ${at}, ${at} FROM k;
     WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ${n})
     INSERT INTO registrations (id, event_id, attendee_id, status, answers, consent_at, created_at, updated_at, confirmed_at, join_key)
     SELECT printf('reg_q${tag}_%06d', i), '${eventId}', printf('att_q${tag}_%06d', i), 'confirmed', '{}', ${at}, ${at}, ${at}, ${at},
            lower(hex(randomblob(16))) FROM k;
     UPDATE reminders SET due_at = ${Date.now() - 1000} WHERE event_id = '${eventId}';`,
  );
}
