import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";

describe(`operations (${engine})`, () => {
  it("answers /healthz with ok after touching the database", async () => {
    const t = await createTestApp();
    const res = await t.request("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "ok", time: "2026-01-15T12:00:00.000Z" });
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("answers unknown paths with a problem+json 404", async () => {
    const t = await createTestApp();
    const res = await t.request("GET", "/nope");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body).toMatchObject({ type: "/problems/not-found", status: 404 });
  });
});
