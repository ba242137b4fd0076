import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../../src/worker.js";

/**
 * One request through the Worker's own entry (src/worker.ts) with the test's bindings, as the
 * edge would make it; waits for its waitUntil work. `key`: a staff API key.
 */
export async function workerCall(
  method: string,
  path: string,
  body?: unknown,
  key?: string,
  headers: Record<string, string> = {},
) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://convene.example${path}`, {
      method,
      headers: {
        ...(body ? { "content-type": "application/json" } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    }),
    env as never,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * Through the Worker: creates `event` (POST /api/v1/events), publishes it and registers Olena,
 * each answer checked. Returns the event's slug.
 */
export async function publishedWithRegistrant(key: string, event: Record<string, unknown>): Promise<string> {
  const created = await workerCall("POST", "/api/v1/events", event, key);
  expect(created.status).toBe(201);
  const slug = created.body.slug as string;
  expect((await workerCall("POST", `/api/v1/events/${slug}/publish`, undefined, key)).status).toBe(200);
  const reg = await workerCall("POST", `/api/v1/events/${slug}/registrations`, {
    name: "Olena",
    email: "olena@example.org",
    consent: true,
  });
  expect(reg.status).toBe(202);
  return slug;
}
