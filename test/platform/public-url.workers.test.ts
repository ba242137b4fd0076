import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";

// `wrangler dev --port 8788` without PUBLIC_URL: links follow the origin the Worker is served on
// (on main before this, every link said localhost:8787).
describe("the Worker's links without PUBLIC_URL", () => {
  it("point at the origin the request came to", async () => {
    await freshDb();
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("http://localhost:8788/openapi.json"), env as never, ctx);
    await waitOnExecutionContext(ctx);
    const doc = (await res.json()) as { servers: { url: string }[] };
    expect(doc.servers[0]!.url).toBe("http://localhost:8788");
  });
});
