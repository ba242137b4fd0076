import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type TestServer } from "../support/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

/** Streams `total` bytes of JSON-ish padding in 64 KiB chunks without Content-Length. */
function streamBody(path: string, total: number): Promise<{ status: number; sent: number }> {
  const url = new URL(path, server.baseUrl);
  const chunk = Buffer.alloc(64 * 1024, "z");
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = request(
      url,
      { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, sent }));
      },
    );
    req.on("error", (err) => (sent > 0 ? resolve({ status: 413, sent }) : reject(err)));
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    req.write('{"pad":"');
    pump();
  });
}

describe("a client streaming a huge body to the Node server", () => {
  it("gets 413 while the server's memory stays flat (nothing is buffered past the limit)", async () => {
    const { api } = server;
    const ev = await api("POST", "/events", {
      title: "Ukraine's critical choice",
      format: "virtual",
      startsAt: "2026-04-16T12:00",
      timeZone: "America/New_York",
      durationMinutes: 60,
    });
    await api("POST", `/events/${ev.slug}/publish`);
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const { status } = await streamBody(`/api/v1/events/${ev.slug}/registrations`, 50 * 1024 * 1024);
    const grown = process.memoryUsage().heapUsed - before;
    expect(status).toBe(413);
    expect(grown).toBeLessThan(20 * 1024 * 1024);
  });
});
