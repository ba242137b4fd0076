import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import { sqlAll } from "../../src/db/batch.js";
import { createApiKey } from "../../src/features/auth/service.js";
import { buildNodeDeps } from "../../src/runtime/node-deps.js";

// Invariant 1 over real HTTP: the Node server on loopback, a libsql file database in WAL mode,
// 500 registrations fired at once by 500 concurrent fetches.
const REQUESTS = 500;
const CAPACITY = 100;

describe("500 simultaneous registrations over HTTP (Node, libsql file)", () => {
  let dir: string;
  let base: string;
  let deps: Awaited<ReturnType<typeof buildNodeDeps>>;
  let server: ReturnType<typeof serve>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "convene-load-"));
    deps = await buildNodeDeps(
      parseConfig({
        DATABASE_URL: `file:${join(dir, "load.db")}`,
        LOG_LEVEL: "silent",
        REGISTRATION_RATE_LIMIT: "0",
      }),
    );
    const app = createApp(deps);
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    deps?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("seats exactly the capacity, queues the rest gap-free and fails none", async () => {
    const [mode] = await sqlAll<{ journal_mode: string }>(deps.db, sql`PRAGMA journal_mode`);
    expect(mode?.journal_mode).toBe("wal");
    const { key } = await createApiKey(deps, { name: "load", scopes: ["admin"] });
    const staff = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const created = await fetch(`${base}/api/v1/events`, {
      method: "POST",
      headers: staff,
      body: JSON.stringify({
        title: "Load test",
        format: "virtual",
        startsAt: "2030-04-16T12:00",
        timeZone: "America/New_York",
        durationMinutes: 60,
        capacity: CAPACITY,
      }),
    });
    const { slug, id } = (await created.json()) as { slug: string; id: string };
    expect(
      (await fetch(`${base}/api/v1/events/${slug}/publish`, { method: "POST", headers: staff })).status,
    ).toBe(200);

    const results = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        try {
          const res = await fetch(`${base}/api/v1/events/${slug}/registrations`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: `Load ${i}`, email: `load${i}@example.org`, consent: true }),
          });
          return {
            status: res.status,
            body: (await res.json()) as { newRegistration: string },
          };
        } catch (err) {
          return { status: 0, body: { newRegistration: String(err) } };
        }
      }),
    );
    expect(results.filter((r) => r.status !== 202)).toEqual([]);
    expect(results.filter((r) => r.body.newRegistration === "confirmed")).toHaveLength(CAPACITY);

    const counts = await sqlAll<{ status: string; n: number }>(
      deps.db,
      sql`SELECT status, count(*) AS n FROM registrations WHERE event_id = ${id} GROUP BY status ORDER BY status`,
    );
    expect(counts).toEqual([
      { status: "confirmed", n: CAPACITY },
      { status: "waitlisted", n: REQUESTS - CAPACITY },
    ]);
    const [gaps] = await sqlAll<{ n: number; lo: number; hi: number; distinct: number }>(
      deps.db,
      sql`SELECT count(*) AS n, min(waitlist_position) AS lo, max(waitlist_position) AS hi,
                 count(DISTINCT waitlist_position) AS "distinct"
          FROM registrations WHERE event_id = ${id} AND status = 'waitlisted'`,
    );
    expect(gaps).toEqual({
      n: REQUESTS - CAPACITY,
      lo: 1,
      hi: REQUESTS - CAPACITY,
      distinct: REQUESTS - CAPACITY,
    });
    const [mail] = await sqlAll<{ n: number; regs: number }>(
      deps.db,
      sql`SELECT count(*) AS n, count(DISTINCT registration_id) AS regs FROM outbox WHERE event_id = ${id}`,
    );
    expect(mail).toEqual({ n: REQUESTS, regs: REQUESTS });
    const [kept] = await sqlAll(
      deps.db,
      sql`SELECT confirmed, waitlisted FROM registration_counts WHERE event_id = ${id}`,
    );
    expect(kept).toEqual({ confirmed: CAPACITY, waitlisted: REQUESTS - CAPACITY });
  }, 60_000);
});
