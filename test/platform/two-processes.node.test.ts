import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { sqlAll } from "../../src/db/batch.js";
import { buildNodeDeps } from "../../src/runtime/node-deps.js";
import { firstKey, freePort, killAll, startNode, waitFor } from "../support/process.js";
import { type SmtpServer, startSmtpServer } from "../support/smtp.js";

// A deployment behind a load balancer (issue 14): two `npm start` processes on one file
// database, both schedulers on, a registration burst split across both.
let dir: string;
let smtp: SmtpServer | undefined;
afterEach(async () => {
  killAll();
  await smtp?.close();
  smtp = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("two Node processes on one database", () => {
  it("never oversell, send each confirmation once and never show a client SQLITE_BUSY", async () => {
    dir = await mkdtemp(join(tmpdir(), "convene-two-"));
    smtp = await startSmtpServer();
    const common = {
      DATABASE_URL: `file:${join(dir, "convene.db")}`,
      SMTP_URL: smtp.url,
      SCHEDULER_INTERVAL_SECONDS: "1",
      REGISTRATION_RATE_LIMIT: "0",
      PUBLIC_URL: "https://events.example.org",
      LOG_LEVEL: "error",
    };
    const key = await firstKey(common, "two processes");
    const ports = [await freePort(), await freePort()];
    const bases = ports.map((p) => `http://127.0.0.1:${p}`);
    const servers = await Promise.all(
      ports.map((p, i) => startNode({ ...common, PORT: String(p) }, bases[i]!)),
    );

    const staff = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const created = await fetch(`${bases[0]}/api/v1/events`, {
      method: "POST",
      headers: staff,
      body: JSON.stringify({
        title: "Two doors",
        startsAt: "2027-03-01T15:00",
        timeZone: "Europe/Kyiv",
        capacity: 50,
        waitlist: false,
      }),
    });
    const { slug } = (await created.json()) as { slug: string };
    await fetch(`${bases[1]}/api/v1/events/${slug}/publish`, { method: "POST", headers: staff });

    const REQUESTS = 200;
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const res = await fetch(`${bases[i % 2]}/api/v1/events/${slug}/registrations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ name: `Door ${i}`, email: `door${i}@example.org`, consent: true }),
        });
        return { status: res.status, text: await res.text() };
      }),
    );
    // Every answer is a decision: accepted or full; none is a 5xx (SQLITE_BUSY reaching a client).
    expect(
      answers
        .filter((a) => a.status !== 202 && a.status !== 409)
        .map((a) => `${a.status} ${a.text.slice(0, 120)}`),
    ).toEqual([]);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(50);

    const check = await buildNodeDeps(parseConfig({ ...common, LOG_LEVEL: "silent" }));
    const [seats] = await sqlAll<{ n: number }>(
      check.db,
      sql`SELECT count(*) AS n FROM registrations WHERE status = 'confirmed'`,
    );
    check.close();
    expect(Number(seats?.n)).toBe(50);

    // Both schedulers dispatch; each confirmation goes out once (one message per address).
    const delivered = await waitFor(() => smtp!.received.length >= 50, 30_000);
    expect(delivered).toBe(true);
    await new Promise((r) => setTimeout(r, 2500)); // two more scheduler ticks on each process
    const perAddress = new Map<string, number>();
    for (const r of smtp.received)
      perAddress.set(r.envelopeTo[0]!, (perAddress.get(r.envelopeTo[0]!) ?? 0) + 1);
    expect(perAddress.size).toBe(50);
    expect([...perAddress.values()].every((n) => n === 1)).toBe(true);
    expect(servers.every((s) => s.exitCode === null)).toBe(true);
  }, 120_000);
});
