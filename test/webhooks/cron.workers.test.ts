import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApiKey } from "../../src/features/auth/service.js";
import { systemClock } from "../../src/lib/clock.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";

async function call(method: string, path: string, body?: unknown, key?: string) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://convene.example${path}`, {
      method,
      headers: {
        ...(body ? { "content-type": "application/json" } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    }),
    env as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("webhooks on the Worker", () => {
  it("the Cron Trigger's due work signs and delivers a queued message with Web Crypto", async () => {
    const db = await freshDb();
    const { key } = await createApiKey({ db, tokens: cryptoTokens, clock: systemClock } as never, {
      name: "webhook cron test",
      scopes: ["admin"],
    });
    const endpoint = await call(
      "POST",
      "/api/v1/webhooks/endpoints",
      { url: "https://hooks.example.org/convene", eventTypes: ["registration.created"] },
      key,
    );
    expect(endpoint.status).toBe(201);
    const startsAt = new Date(Date.now() + 48 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    const created = await call(
      "POST",
      "/api/v1/events",
      { title: "Edge webhooks", startsAt, timeZone: "Europe/Kyiv" },
      key,
    );
    expect((await call("POST", `/api/v1/events/${created.body.slug}/publish`, undefined, key)).status).toBe(
      200,
    );
    const reg = await call("POST", `/api/v1/events/${created.body.slug}/registrations`, {
      name: "Olena",
      email: "olena@example.org",
      consent: true,
    });
    expect(reg.status).toBe(202);

    // The receiver, seen from inside workerd (the network is loopback only): the Worker's own
    // fetch reaches it, and it checks the request as a real receiver would.
    const received: Request[] = [];
    const realFetch = globalThis.fetch;
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (new URL(request.url).hostname !== "hooks.example.org") return realFetch(input, init);
      received.push(request);
      return new Response(null, { status: 204 });
    });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env as never, ctx);
    await waitOnExecutionContext(ctx);

    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.redirect).toBe("manual");
    const headers = Object.fromEntries(request.headers);
    const payload = new Webhook(endpoint.body.secret).verify(await request.text(), headers) as any;
    expect(payload).toMatchObject({
      type: "registration.created",
      data: {
        registration: { email: "olena@example.org", name: "Olena" },
        event: { slug: created.body.slug },
      },
    });
    const deliveries = await call(
      "GET",
      `/api/v1/webhooks/endpoints/${endpoint.body.id}/deliveries`,
      undefined,
      key,
    );
    expect(deliveries.body.data).toEqual([expect.objectContaining({ status: "sent", attempts: 1 })]);
  });
});
