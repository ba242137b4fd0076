import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server.js";

// Headers added after the handler (request id, secure headers, the token-page guard) are set on
// the response in place (lib/http.ts setResponseHeader). These checks go through the real Node
// server, whose prebuilt responses are the ones that path must not break.
describe("response headers over real HTTP (Node server)", () => {
  let server: TestServer;
  let slug: string;

  beforeAll(async () => {
    server = await startServer({ now: "2026-03-01T12:00:00Z" });
    const event = await server.api("POST", "/events", {
      title: "Headers on every answer",
      format: "virtual",
      startsAt: "2026-04-01T15:00",
      timeZone: "Europe/Berlin",
      durationMinutes: 60,
      capacity: 10,
      joinUrl: "https://zoom.example.com/j/1",
    });
    slug = event.slug;
    await server.api("POST", `/events/${slug}/publish`);
  });
  afterAll(() => server.close());

  it("gives a JSON answer its body, request id and secure headers", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/events/${slug}/registrations`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "trace-123" },
      body: JSON.stringify({ name: "Ada", email: "ada@example.org", consent: true }),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-request-id")).toBe("trace-123");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const body = (await res.json()) as { status: string; newRegistration: string };
    expect(body).toMatchObject({ status: "check-email", newRegistration: "confirmed" });
    expect(JSON.stringify(body)).not.toContain("/r/");
  });

  it("gives a problem answer and a 304 from a prebuilt Response the same headers", async () => {
    const problem = await fetch(`${server.baseUrl}/api/v1/events/${slug}/registrations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Bo", email: "not an address", consent: true }),
    });
    expect(problem.status).toBe(422);
    expect(problem.headers.get("content-type")).toBe("application/problem+json");
    expect(problem.headers.get("x-request-id")).toMatch(/^req_/);
    expect(((await problem.json()) as { status: number }).status).toBe(422);

    const first = await fetch(`${server.baseUrl}/calendar.ics`);
    const etag = first.headers.get("etag");
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("BEGIN:VCALENDAR");
    expect(etag).toBeTruthy();
    const again = await fetch(`${server.baseUrl}/calendar.ics`, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get("x-request-id")).toMatch(/^req_/);
    expect(again.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("lets an embed block be framed by EMBED_ORIGINS only, on its 200 and its 304", async () => {
    server.deps.config.EMBED_ORIGINS = ["https://www.institute.example"];
    try {
      const block = await fetch(`${server.baseUrl}/embed/events`);
      expect(block.status).toBe(200);
      expect(await block.text()).toContain("Headers on every answer");
      expect(block.headers.get("content-security-policy")).toContain(
        "frame-ancestors https://www.institute.example",
      );
      expect(block.headers.get("x-frame-options")).toBeNull();
      expect(block.headers.get("x-content-type-options")).toBe("nosniff");
      const again = await fetch(`${server.baseUrl}/embed/events`, {
        headers: { "if-none-match": block.headers.get("etag")! },
      });
      expect(again.status).toBe(304);
      expect(again.headers.get("x-frame-options")).toBeNull();
      const page = await fetch(`${server.baseUrl}/events/${slug}`);
      expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(page.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    } finally {
      server.deps.config.EMBED_ORIGINS = [];
    }
  });

  it("keeps a manage page out of caches, referrers and search engines", async () => {
    const res = await fetch(`${server.baseUrl}/api/v1/events/${slug}/registrations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Cy", email: "cy@example.org", consent: true }),
    });
    expect(res.status).toBe(202);
    const page = await fetch(await server.manageUrlFromEmail("cy@example.org"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(page.headers.get("x-robots-tag")).toBe("noindex");
    expect(page.headers.get("content-security-policy")).toContain("default-src");
    expect(page.headers.get("x-request-id")).toMatch(/^req_/);
    expect(await page.text()).toContain("Headers on every answer");
  });
});
