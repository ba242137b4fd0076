import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";

describe("the Worker entry inside workerd", () => {
  it("serves the app from the D1 binding", async () => {
    await freshDb();
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://convene.example/healthz"), env as never, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("answers the public event list from D1", async () => {
    await freshDb();
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://convene.example/api/v1/events"), env as never, ctx);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: [], nextCursor: null });
  });
});
