import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { MailMessage } from "../../src/deps.js";
import { startScheduler } from "../../src/jobs/scheduler.js";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { outboxRows, registerFor } from "../support/registrations.js";

async function until(check: () => boolean | Promise<boolean>, ms = 2000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await sleep(5);
  }
}

describe("the scheduler in the Node process", () => {
  it("sends what is due on its own, and never starts a run while the previous one is still going", async () => {
    const sent: MailMessage[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const t = await createTestApp({
      deps: {
        mailer: {
          async send(m) {
            sent.push(m);
            if (sent.length === 1) await gate; // the first send hangs
          },
        },
      },
    });
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key);
    await registerFor(t, e.slug, { email: "one@example.org" });
    const scheduler = startScheduler(t.deps, 0.01);
    try {
      await until(() => sent.length === 1);
      await registerFor(t, e.slug, { email: "two@example.org" });
      await sleep(150); // fifteen intervals: an overlapping run would have sent "two" by now
      expect(sent.map((m) => m.to)).toEqual(["one@example.org"]);
      release();
      await until(() => sent.length === 2);
      expect(sent.map((m) => m.to)).toEqual(["one@example.org", "two@example.org"]);
    } finally {
      release();
      await scheduler.stop();
    }
    expect((await outboxRows(t)).every((r) => r.status === "sent")).toBe(true);
  });

  it("does nothing when the interval is 0", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key);
    await registerFor(t, e.slug);
    const scheduler = startScheduler(t.deps, 0);
    await sleep(50);
    await scheduler.stop();
    expect((await outboxRows(t))[0]?.status).toBe("pending");
  });
});
