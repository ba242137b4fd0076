import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

/**
 * The real Node entry as a separate process (what `npm start` runs), for tests of what only a
 * process shows: signals, ports, crashes. Every process started here is killed by `killAll`.
 */
const started: ChildProcess[] = [];

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Starts `node --import tsx src/node.ts` (or `command`) with `env`; resolves once /healthz answers. */
export async function startNode(env: Record<string, string>, base: string, command?: [string, string[]]) {
  // node itself with tsx's loader, so that the pid is the server's (the tsx CLI would run the
  // server in a child process of its own, which a signal to tsx leaves running).
  const [file, args] = command ?? [process.execPath, ["--import", "tsx", "src/node.ts"]];
  const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (d) => (output.stdout += d));
  child.stderr!.on("data", (d) => (output.stderr += d));
  if (await waitFor(() => answers(base), 20_000)) return Object.assign(child, { output });
  throw new Error(`the server did not start: ${output.stderr.slice(0, 2000)}`);
}

export const answers = (base: string) =>
  fetch(`${base}/healthz`).then(
    (r) => r.ok,
    () => false,
  );

export async function waitFor(check: () => Promise<boolean> | boolean, ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export function killAll() {
  for (const child of started.splice(0)) child.kill("SIGKILL");
}

/** The first admin key, straight into the database `env` names (as `npm run keys` would). */
export async function firstKey(env: Record<string, string>, name: string): Promise<string> {
  const { parseConfig } = await import("../../src/config.js");
  const { createApiKey } = await import("../../src/features/auth/service.js");
  const { buildNodeDeps } = await import("../../src/runtime/node-deps.js");
  const deps = await buildNodeDeps(parseConfig(env));
  try {
    return (await createApiKey(deps, { name, scopes: ["admin"] })).key;
  } finally {
    deps.close();
  }
}
