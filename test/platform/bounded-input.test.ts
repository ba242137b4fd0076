import { describe, expect, it } from "vitest";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

const b64url = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("bounded input: every body has a limit, every error a size, every cursor a range", () => {
  it("refuses a staff JSON body over 1 MiB with 413 problem+json naming the body, and creates nothing", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const res = await t.request("POST", "/api/v1/events", {
      key,
      body: { title: "Too big", description: "x".repeat(1.5 * 1024 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body.errors[0].field).toBe("body");
    const list = await t.request("GET", "/api/v1/events?status=draft", { key });
    expect(list.body.data ?? list.body.items ?? []).toHaveLength(0);
  });

  it("refuses a public registration over 128 KiB with 413, and registers nobody", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const ev = await makeEvent(t, key);
    const res = await t.request("POST", `/api/v1/events/${ev.slug}/registrations`, {
      body: { name: "Ada", email: "ada@example.org", answers: { note: "y".repeat(200 * 1024) } },
    });
    expect(res.status).toBe(413);
    const regs = await t.request("GET", `/api/v1/events/${ev.slug}/registrations`, { key });
    expect(regs.body.data).toHaveLength(0);
  });

  it("refuses a body streamed without Content-Length once it passes the limit", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const ev = await makeEvent(t, key);
    const chunk = new TextEncoder().encode(
      `{"name":"Ada","email":"ada@example.org","pad":"${"z".repeat(64 * 1024)}`,
    );
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 10) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await t.app.request(`/api/v1/events/${ev.slug}/registrations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it("answers a body of thousands of unknown fields with a short 422 naming the first of them", async () => {
    const t = await createTestApp();
    const key = await t.key();
    const fields = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`unknown_field_${i}`, "x"]));
    const res = await t.request("POST", "/api/v1/topics", { key, body: { name: "Energy", ...fields } });
    expect(res.status).toBe(422);
    expect(res.body.errors.length).toBeLessThanOrEqual(20);
    expect(res.body.errors[0].field).toBe("unknown_field_0");
    expect(res.text.length).toBeLessThan(5000);
  });

  it.each([
    ["the events list", "/api/v1/events?cursor=", [1e17, "evt_x"]],
    ["the archive API", "/api/v1/archive?cursor=", ["d", 9e15, "evt_x"]],
  ])(
    "answers a cursor beyond the range of a date on %s with 422 naming the cursor",
    async (_, path, value) => {
      const t = await createTestApp();
      const res = await t.request("GET", `${path}${b64url(value)}`);
      expect(res.status).toBe(422);
      expect(res.body.errors[0].field).toBe("cursor");
    },
  );

  it.each([
    ["the home page", "/?after="],
    ["the archive page", "/archive?cursor="],
  ])("never answers 500 to an out-of-range cursor on %s", async (_, path) => {
    const t = await createTestApp();
    const res = await t.request(
      "GET",
      `${path}${b64url(path.includes("archive") ? ["d", 9e15, "x"] : [1e17, "x"])}`,
    );
    expect(res.status).toBeLessThan(500);
  });
});
