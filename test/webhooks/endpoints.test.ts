import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";

const PATH = "/api/v1/webhooks/endpoints";
const fieldsOf = (body: any) => (body.errors ?? []).map((e: { field: string }) => e.field);

async function setup(env: Record<string, string> = {}) {
  const t = await createTestApp({ env });
  const key = await t.key(["webhooks:write"]);
  const create = (body: Record<string, unknown>, k = key) => t.request("POST", PATH, { key: k, body });
  return { t, key, create };
}

describe(`webhook endpoints (${engine})`, () => {
  it("creates an endpoint whose whsec_ secret is shown once, then lists, reads, changes and deletes it", async () => {
    const { t, key, create } = await setup();
    const res = await create({
      url: "https://crm.example.org/hooks/convene",
      eventTypes: ["registration.created", "event.published"],
      description: "CRM",
    });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(atob(res.body.secret.slice(6)).length).toBeGreaterThanOrEqual(24);
    expect(res.body).toMatchObject({ enabled: true, disabledReason: null, description: "CRM" });
    const id = res.body.id;

    const list = await t.request("GET", PATH, { key });
    expect(list.body.data.map((e: any) => e.id)).toEqual([id]);
    expect(list.text).not.toContain(res.body.secret.slice(6));
    const read = await t.request("GET", `${PATH}/${id}`, { key });
    expect(read.body).not.toHaveProperty("secret");

    const patched = await t.request("PATCH", `${PATH}/${id}`, {
      key,
      body: { eventTypes: ["event.cancelled"], enabled: false, description: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      eventTypes: ["event.cancelled"],
      enabled: false,
      description: null,
    });

    const rotated = await t.request("POST", `${PATH}/${id}/rotate-secret`, { key });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(res.body.secret);

    expect((await t.request("DELETE", `${PATH}/${id}`, { key })).status).toBe(204);
    expect((await t.request("GET", `${PATH}/${id}`, { key })).status).toBe(404);
    const audit = await t.request("GET", "/api/v1/audit-log?entityType=webhook_endpoint", {
      key: await t.key(["admin"]),
    });
    expect(audit.body.data.map((a: any) => a.action).sort()).toEqual(
      ["webhook.create", "webhook.delete", "webhook.rotate_secret", "webhook.update"].sort(),
    );
  });

  it("needs webhooks:write or admin", async () => {
    const { t, create } = await setup();
    const body = { url: "https://crm.example.org/h", eventTypes: ["event.updated"] };
    expect((await create(body, await t.key(["events:write", "registrations:write"]))).status).toBe(403);
    expect((await t.request("GET", PATH)).status).toBe(401);
    expect((await create(body, await t.key(["admin"]))).status).toBe(201);
  });

  it("answers bad input with a problem naming the field, and stores nothing", async () => {
    const { t, key, create } = await setup();
    const cases: [Record<string, unknown>, string][] = [
      [{ url: "http://crm.example.org/h", eventTypes: ["event.updated"] }, "url"],
      [{ url: "not a url", eventTypes: ["event.updated"] }, "url"],
      [{ url: "https://crm.example.org/h", eventTypes: [] }, "eventTypes"],
      [{ url: "https://crm.example.org/h", eventTypes: ["event.deleted"] }, "eventTypes.0"],
      [{ url: "https://crm.example.org/h", eventTypes: ["event.updated"], secret: "mine" }, "secret"],
    ];
    for (const [body, field] of cases) {
      const res = await create(body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(fieldsOf(res.body), JSON.stringify(body)).toContain(field);
    }
    expect((await t.request("GET", PATH, { key })).body.data).toEqual([]);
  });

  it("refuses private, loopback, link-local and unique-local addresses unless WEBHOOK_ALLOW_PRIVATE", async () => {
    const { t, key, create } = await setup();
    for (const url of [
      "https://127.0.0.1/h",
      "https://localhost:8443/h",
      "https://localhost./h",
      "https://api.localhost./h",
      "https://api.localhost/h",
      "https://10.1.2.3/h",
      "https://172.20.0.1/h",
      "https://192.168.1.10/h",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/h",
      "https://[fd12:3456::1]/h",
      "https://[fe80::1]/h",
      "https://[::ffff:127.0.0.1]/h",
      "https://0.0.0.0/h",
    ]) {
      const res = await create({ url, eventTypes: ["event.updated"] });
      expect(res.status, url).toBe(422);
      expect(fieldsOf(res.body), url).toEqual(["url"]);
    }
    const created = await create({ url: "https://8.8.8.8/h", eventTypes: ["event.updated"] });
    expect(created.status).toBe(201);
    const moved = await t.request("PATCH", `${PATH}/${created.body.id}`, {
      key,
      body: { url: "https://192.168.0.1/h" },
    });
    expect(moved.status).toBe(422);
    expect(fieldsOf(moved.body)).toEqual(["url"]);

    const dev = await setup({ WEBHOOK_ALLOW_PRIVATE: "true" });
    expect((await dev.create({ url: "http://127.0.0.1:9999/h", eventTypes: ["event.updated"] })).status).toBe(
      201,
    );
  });

  it("refuses a name that resolves to a private address, where the runtime can resolve names", async () => {
    const t = await createTestApp({
      deps: {
        resolveHost: async (host) => (host === "intranet.example.org" ? ["10.0.0.7"] : ["93.184.215.14"]),
      },
    });
    const key = await t.key(["webhooks:write"]);
    const to = (url: string) =>
      t.request("POST", PATH, { key, body: { url, eventTypes: ["event.updated"] } });
    const refused = await to("https://intranet.example.org/h");
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0]).toMatchObject({
      field: "url",
      message: expect.stringContaining("resolves"),
    });
    expect((await to("https://crm.example.org/h")).status).toBe(201);
  });

  it("documents every event type's payload in the OpenAPI webhooks section", async () => {
    const { t } = await setup();
    const doc = (await t.request("GET", "/openapi.json")).body;
    expect(Object.keys(doc.webhooks).sort()).toEqual(
      [
        "attendance.recorded",
        "event.cancelled",
        "event.published",
        "event.rescheduled",
        "event.updated",
        "recording.published",
        "registration.cancelled",
        "registration.created",
        "registration.promoted",
      ].sort(),
    );
    const schemaOf = (type: string) => doc.webhooks[type].post.requestBody.content["application/json"].schema;
    expect(
      schemaOf("registration.created").properties.data.properties.registration.properties,
    ).toHaveProperty("email");
    expect(JSON.stringify(schemaOf("event.updated"))).not.toMatch(/email|joinUrl/);
    expect(JSON.stringify(schemaOf("attendance.recorded"))).not.toMatch(/email|answers/);
    expect(doc.paths[PATH].post["x-required-scope"]).toBe("webhooks:write");
  });
});
