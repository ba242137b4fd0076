import { describe, expect, it } from "vitest";
import { budgetKey } from "../../src/features/limits/index.js";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

describe("what a stranger cannot read or exhaust", () => {
  it("keeps /metrics behind the metrics:read scope", async () => {
    const t = await createTestApp();
    expect((await t.request("GET", "/metrics")).status).toBe(401);
    expect((await t.request("GET", "/metrics", { key: await t.key(["events:read"]) })).status).toBe(403);
    const ok = await t.request("GET", "/metrics", { key: await t.key(["metrics:read"]) });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain("# TYPE");
  });

  it("counts every address of one IPv6 /64 against one registration budget, and another /64 apart", async () => {
    const t = await createTestApp({ deps: { clientAddress: (c) => c.req.header("x-test-address") } });
    t.deps.config.REGISTRATION_RATE_LIMIT = 2;
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { capacity: 100 });
    const register = (i: number, address: string) =>
      t.request("POST", `/api/v1/events/${e.slug}/registrations`, {
        body: { name: "X", email: `v6-${i}@example.org`, consent: true },
        headers: { "x-test-address": address },
      });
    const sameNet = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:0db8:0001:0002:abcd::1"];
    const statuses = [];
    for (const [i, a] of sameNet.entries()) statuses.push((await register(i, a)).status);
    expect(statuses).toEqual([202, 202, 429]);
    expect((await register(9, "2001:db8:1:3::1")).status).toBe(202);
  });

  it.each([
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0DB8:0001:0002:0:0:0:1", "2001:db8:1:2::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["192.0.2.7", "192.0.2.7"],
  ])("keys %s as %s", (address, key) => {
    expect(budgetKey(address)).toBe(key);
  });
});
