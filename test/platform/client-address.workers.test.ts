import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createApiKey } from "../../src/features/auth/service.js";
import { systemClock } from "../../src/lib/clock.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";

async function call(
  method: string,
  path: string,
  o: { body?: unknown; key?: string; headers?: Record<string, string> } = {},
) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://convene.example${path}`, {
      method,
      headers: {
        ...(o.body ? { "content-type": "application/json" } : {}),
        ...(o.key ? { authorization: `Bearer ${o.key}` } : {}),
        ...o.headers,
      },
      body: o.body ? JSON.stringify(o.body) : undefined,
    }),
    env as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res.status;
}

// The Worker as deployed (its own entry, default REGISTRATION_RATE_LIMIT of 20 a minute): the
// client is the address Cloudflare puts in CF-Connecting-IP, so one client spending its budget
// does not lock registration out for everyone (on main before this, all requests shared one
// budget, "registration:unknown").
describe("the client address at the edge", () => {
  it("gives two addresses separate registration budgets, and ignores X-Forwarded-For", async () => {
    const db = await freshDb();
    const { key } = await createApiKey({ db, tokens: cryptoTokens, clock: systemClock } as never, {
      name: "edge test",
      scopes: ["admin"],
    });
    const startsAt = new Date(Date.now() + 48 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const body = { title: "Edge budgets", startsAt, timeZone: "Europe/Kyiv", capacity: 1000 };
    expect(await call("POST", "/api/v1/events", { body, key })).toBe(201);
    const slug = "edge-budgets";
    expect(await call("POST", `/api/v1/events/${slug}/publish`, { key })).toBe(200);

    let n = 0;
    const register = (ip: string, forwarded?: string) =>
      call("POST", `/api/v1/events/${slug}/registrations`, {
        body: { name: "Edge", email: `edge${n++}@example.org`, consent: true },
        headers: { "cf-connecting-ip": ip, ...(forwarded ? { "x-forwarded-for": forwarded } : {}) },
      });
    const a: number[] = [];
    // A client rotating X-Forwarded-For is still one address.
    for (let i = 0; i < 21; i++) a.push(await register("198.51.100.7", `203.0.113.${i}`));
    expect(a.slice(0, 20).every((s) => s === 202)).toBe(true);
    expect(a[20]).toBe(429);
    expect(await register("198.51.100.8")).toBe(202);
    // IPv6: the /64 is the client.
    for (let i = 0; i < 20; i++) expect(await register(`2001:db8:5:6::${i + 1}`)).toBe(202);
    expect(await register("2001:db8:5:6:ffff::1")).toBe(429);
  });
});
