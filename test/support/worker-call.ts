import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
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
