import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";

type Operation = { "x-required-scope"?: string };

/** Every staff route, read from the OpenAPI document so a new route cannot be forgotten here. */
async function staffRoutes() {
  const t = await createTestApp();
  const doc = (await t.request("GET", "/openapi.json")).body as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) => op["x-required-scope"])
      .map(([method, op]) => ({
        method: method.toUpperCase(),
        path: path.replace(/\{[^}]+\}/g, "some-slug"),
        scope: op["x-required-scope"]!,
      })),
  );
}

const routes = await staffRoutes();

describe(`staff routes require a key with the right scope (${engine})`, () => {
  it("covers the staff API (events, topics, people, briefs, keys, audit)", () => {
    expect(routes.length).toBeGreaterThanOrEqual(19);
    for (const prefix of [
      "/api/v1/events",
      "/api/v1/topics",
      "/api/v1/people",
      "/api/v1/briefs",
      "/api/v1/api-keys",
      "/api/v1/audit-log",
    ]) {
      expect(
        routes.some((r) => r.path.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });

  it.each(routes)(
    "$method $path: no key 401, bad key 401, revoked key 401, wrong scope 403",
    async ({ method, path, scope }) => {
      const t = await createTestApp();
      const expectProblem = (res: { status: number; headers: Headers }, status: number) => {
        expect(res.status).toBe(status);
        expect(res.headers.get("content-type")).toBe("application/problem+json");
      };
      const body = method === "GET" || method === "DELETE" ? undefined : {};
      expectProblem(await t.request(method, path, { body }), 401);
      expectProblem(
        await t.request(method, path, { body, key: "cvn_abcdefgh_abcdefghijabcdefghijabcdef" }),
        401,
      );
      expectProblem(
        await t.request(method, path, { body, headers: { authorization: "Basic dXNlcjpwYXNz" } }),
        401,
      );

      const revoked = await t.key(["admin"]);
      const admin = await t.key(["admin"]);
      await t.request("POST", `/api/v1/api-keys/${revoked.slice(4, 12)}/revoke`, { key: admin, body: {} });
      expectProblem(await t.request(method, path, { body, key: revoked }), 401);

      const other = scope === "registrations:read" ? "archive:write" : "registrations:read";
      expectProblem(await t.request(method, path, { body, key: await t.key([other as never]) }), 403);
    },
  );
});

describe(`API keys (${engine})`, () => {
  it("shows a new key once, stores only its hash, and records when it was last used", async () => {
    const t = await createTestApp({ now: "2026-02-01T09:00:00Z" });
    const admin = await t.key(["admin"]);
    const created = await t.request("POST", "/api/v1/api-keys", {
      key: admin,
      body: { name: "comms", scopes: ["events:write"] },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^cvn_[0-9a-z]{8}_[0-9a-z]{26}$/);
    const list = await t.request("GET", "/api/v1/api-keys", { key: admin });
    expect(list.text).not.toContain(created.body.key);
    expect(list.text).not.toContain(created.body.key.slice(13));

    t.clock.set("2026-02-01T10:00:00Z");
    await t.request("POST", "/api/v1/topics", { key: created.body.key, body: { name: "Drones" } });
    const after = await t.request("GET", "/api/v1/api-keys", { key: admin });
    const row = after.body.data.find((k: { prefix: string }) => k.prefix === created.body.prefix);
    expect(row.lastUsedAt).toBe("2026-02-01T10:00:00.000Z");
  });

  it("refuses an unknown scope by field", async () => {
    const t = await createTestApp();
    const admin = await t.key(["admin"]);
    const res = await t.request("POST", "/api/v1/api-keys", {
      key: admin,
      body: { name: "x", scopes: ["root"] },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].field).toBe("scopes.0");
  });
});
