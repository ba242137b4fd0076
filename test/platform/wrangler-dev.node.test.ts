import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answers, freePort, waitFor } from "../support/process.js";

// The Worker as a newcomer runs it: `npm run dev:worker` (wrangler dev on a local D1, with the
// local mail sink and the scheduled-event endpoint), its README recipes, and plain HTTP clients.
let dir: string;
let base: string;
let dev: ChildProcess;
let output = "";
const state = () => join(dir, "state");
const env = () => ({ ...process.env, MAIL_DIR: join(dir, "mail"), WRANGLER_SEND_METRICS: "false" });

/**
 * fetch, once more after a dropped connection: wrangler dev's proxy may close a kept-alive
 * socket between requests ("other side closed"), which says nothing about the Worker.
 */
async function call(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return fetch(url, init);
  }
}

/** A GET with node:http, which (unlike fetch) does not decompress: the bytes as sent. */
const raw = (path: string, headers: Record<string, string> = {}) =>
  new Promise<{ headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    get(`${base}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject);
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "convene-wrangler-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dev = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "src/cli/dev-worker.ts",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--persist-to",
      state(),
    ],
    { env: env(), stdio: ["ignore", "pipe", "ignore"], detached: true },
  );
  dev.stdout!.on("data", (d) => (output += d));
  if (!(await waitFor(() => answers(base), 90_000))) throw new Error("wrangler dev did not start");
}, 120_000);

afterAll(async () => {
  // The whole group: dev-worker, npx, wrangler and workerd.
  if (dev?.pid) process.kill(-dev.pid, "SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("npm run dev:worker", () => {
  it("migrates the local D1 in one line, not a table per migration, and says where mail goes and how to run the cron", () => {
    expect(output).toMatch(/^Local D1: \d+ migrations applied\.$/m);
    expect(output).not.toContain("│");
    expect(output).toContain(`Mail: ${join(dir, "mail")}/*.eml`);
    expect(output).toContain(`curl "${base}/__scheduled?cron=*+*+*+*+*"`);
  });

  it("serves calendars uncompressed to a client that accepts no compression", async () => {
    for (const headers of [{}, { "accept-encoding": "identity" }] as Record<string, string>[]) {
      const res = await raw("/calendar.ics", headers);
      expect(res.headers["content-encoding"]).toBeUndefined();
      expect(res.body.toString("utf8")).toMatch(/^BEGIN:VCALENDAR\r\n/);
    }
  });

  it("points links at the origin it serves, not at a fixed port", async () => {
    const doc = (await (await call(`${base}/openapi.json`)).json()) as { servers: { url: string }[] };
    expect(doc.servers[0]!.url).toBe(base);
  });

  it("takes the README's first-key recipe, registers, and delivers the confirmation to the local mail sink when the cron runs", async () => {
    // The README's recipe: the INSERT (only the key's hash) into the local D1, the key into $KEY.
    const key = execFileSync(
      "bash",
      [
        "-c",
        `node --import tsx src/cli/keys.ts create --name me --scopes admin --print-sql >"${dir}/key.sql" 2>"${dir}/key.txt" &&
         npx wrangler d1 execute DB --local --persist-to "${state()}" --file "${dir}/key.sql" >/dev/null 2>&1 && cat "${dir}/key.txt"`,
      ],
      { env: env(), encoding: "utf8" },
    ).trim();
    expect(key).toMatch(/^cvn_/);

    const staff = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const startsAt = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 16);
    const created = await call(`${base}/api/v1/events`, {
      method: "POST",
      headers: staff,
      body: JSON.stringify({
        title: "Local Worker",
        startsAt,
        timeZone: "Europe/Kyiv",
        joinUrl: "https://zoom.example.com/j/9",
      }),
    });
    expect(created.status).toBe(201);
    const { slug } = (await created.json()) as { slug: string };
    expect(
      (await call(`${base}/api/v1/events/${slug}/publish`, { method: "POST", headers: staff })).status,
    ).toBe(200);
    const reg = await call(`${base}/api/v1/events/${slug}/registrations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Olena", email: "olena@example.org", consent: true }),
    });
    expect(reg.status).toBe(202);

    expect((await call(`${base}/__scheduled?cron=*+*+*+*+*`)).status).toBe(200);
    const mailDir = join(dir, "mail");
    const arrived = await waitFor(
      async () => (await readdir(mailDir).catch(() => [])).some((f) => f.endsWith(".eml")),
      20_000,
    );
    expect(arrived).toBe(true);
    const [file] = (await readdir(mailDir)).filter((f) => f.endsWith(".eml"));
    const eml = (await readFile(join(mailDir, file!), "utf8")).replace(/=\r?\n/g, "");
    expect(eml).toContain("Subject: Registered: Local Worker");
    expect(eml).toContain(`${base}/r/`);
  }, 90_000);

  it("takes the demo catalogue with `npm run seed -- --local-d1`", async () => {
    const out = execFileSync(
      process.execPath,
      ["--import", "tsx", "src/cli/seed.ts", "--local-d1", "--persist-to", state()],
      { env: env(), encoding: "utf8" },
    );
    expect(out).toMatch(/^Seeded the local D1: \d+ topics/);
    expect(await (await call(`${base}/archive`)).text()).toContain("Ukraine&#39;s critical choice");
  }, 60_000);
});
