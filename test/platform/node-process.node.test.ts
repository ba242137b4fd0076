import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { answers, freePort, killAll, startNode, waitFor } from "../support/process.js";

// The newcomer's first hour (issue 16), against the real entry as a separate process.
let dir: string;
afterEach(async () => {
  killAll();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function environment() {
  dir = await mkdtemp(join(tmpdir(), "convene-process-"));
  const port = await freePort();
  const env = {
    DATABASE_URL: `file:${join(dir, "convene.db")}`,
    MAIL_DIR: join(dir, "mail"),
    PORT: String(port),
    PUBLIC_URL: "",
    LOG_LEVEL: "warn",
  };
  return { env, port, base: `http://127.0.0.1:${port}` };
}

describe("the Node server as a process", () => {
  it("points its links at the port it serves when PUBLIC_URL is not set", async () => {
    const { env, port, base } = await environment();
    await startNode(env, base);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { servers: { url: string }[] };
    expect(doc.servers[0]!.url).toBe(`http://localhost:${port}`);
    const page = await (await fetch(`${base}/`)).text();
    expect(page).not.toContain("localhost:8787");
  });

  it("says in one line which port is taken and how to choose another", async () => {
    const { env, base } = await environment();
    await startNode(env, base);
    const second = spawn(process.execPath, ["--import", "tsx", "src/node.ts"], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    second.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => second.once("exit", resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      `Port ${env.PORT} on 127.0.0.1 is in use. Set PORT to a free one, for example: PORT=8788 npm start`,
    ]);
  });

  it("stops when `npm start` is sent SIGTERM, as a process manager does", async () => {
    const { env, base } = await environment();
    const npm = await startNode(env, base, ["npm", ["start", "--silent"]]);
    npm.kill("SIGTERM");
    expect(await waitFor(async () => !(await answers(base)), 10_000)).toBe(true);
  });
});
