import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runDueWork } from "../../src/jobs/due-work.js";
import { nodeWebhookDeps } from "../../src/runtime/node-deps.js";
import { pinnedWebhookFetch } from "../../src/runtime/node-webhook-fetch.js";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";
import { startReceiver } from "../support/webhook-receiver.js";
import { addEndpoint } from "../support/webhooks.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A TCP listener on 127.0.0.1 that counts the connections it is offered and answers none. */
async function connectionCounter() {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port: (server.address() as { port: number }).port, connections: () => sockets.length };
}

describe("webhook sends on Node connect only to the addresses they checked", () => {
  it("connects to the address the name resolved to in the connection's own lookup", async () => {
    const receiver = await startReceiver((_q, res) => res.end("ok"));
    closers.push(() => receiver.close());
    const port = new URL(receiver.url()).port;
    // A stand-in for a public address: the receiver is on loopback, so the check is told to pass it.
    const pinned = pinnedWebhookFetch(
      async (host) => (host === "hooks.example.org" ? ["127.0.0.1"] : []),
      () => false,
    );
    const res = await pinned(`http://hooks.example.org:${port}/hook`, { method: "POST", body: "{}" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    expect(receiver.received).toMatchObject([
      { path: "/hook", headers: { host: `hooks.example.org:${port}` } },
    ]);
  });

  it("refuses a name that answers a public address to the checks and a private one to the connection (DNS rebinding)", async () => {
    const victim = await connectionCounter();
    // The attacker's name server: public for the check at creation and the one at send time, then
    // 127.0.0.1 (a TTL of 0 lets it change its answer between two lookups).
    let asked = 0;
    const attacker = async (host: string) => {
      if (host !== "rebind.example.org") throw new Error(`unexpected lookup of ${host}`);
      return ++asked <= 2 ? ["93.184.216.34"] : ["127.0.0.1"];
    };
    const t = await createTestApp({
      now: "2026-04-01T12:00:00Z",
      deps: nodeWebhookDeps({ WEBHOOK_ALLOW_PRIVATE: false }, attacker),
    });
    const admin = await t.key(["admin"]);
    const endpoint = await addEndpoint(t, admin, `https://rebind.example.org:${victim.port}/hook`, [
      "registration.created",
    ]);
    const event = await makeEvent(t, admin);
    await registerFor(t, event.slug, { email: "ada@example.org" });

    const run = await runDueWork(t.deps);
    expect(run.webhooks).toMatchObject({ claimed: 1, sent: 0, failed: 1 });
    expect(asked).toBeGreaterThanOrEqual(3);
    expect(victim.connections()).toBe(0);
    const [delivery] = (
      await t.request("GET", `/api/v1/webhooks/endpoints/${endpoint.id}/deliveries`, { key: admin })
    ).body.data;
    expect(delivery.lastError).toMatch(/rebind\.example\.org resolves to 127\.0\.0\.1/);
  });
});
