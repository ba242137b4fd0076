import {
  createExecutionContext,
  createScheduledController,
  env,
  waitOnExecutionContext,
} from "cloudflare:test";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { createApiKey } from "../../src/features/auth/service.js";
import { systemClock } from "../../src/lib/clock.js";
import { cryptoTokens } from "../../src/lib/tokens.js";
import worker from "../../src/worker.js";
import { freshDb } from "../support/db.d1.js";
import { publishedWithRegistrant } from "../support/worker-call.js";

describe("the Worker's Cron Trigger", () => {
  it("runs the same due work: a due reminder fans out into the outbox and is attempted", async () => {
    const db = await freshDb();
    const { key } = await createApiKey({ db, tokens: cryptoTokens, clock: systemClock } as never, {
      name: "cron test",
      scopes: ["admin"],
    });
    const startsAt = new Date(Date.now() + 2 * 3_600_000).toISOString().replace(/\.\d+Z$/, "Z");
    await publishedWithRegistrant(key, {
      title: "Edge reminder",
      startsAt,
      timeZone: "Europe/Kyiv",
      reminders: ["PT1H"],
      joinUrl: "https://zoom.example.com/j/1",
    });
    // The Worker reads the system clock, so instead of waiting an hour, move the reminder's moment
    // to a second ago and the registration to a minute before that.
    await sqlAll(db, sql`UPDATE reminders SET due_at = ${Date.now() - 1000} WHERE offset_iso = 'PT1H'`);
    await sqlAll(db, sql`UPDATE registrations SET confirmed_at = ${Date.now() - 61_000}`);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env as never, ctx);
    await waitOnExecutionContext(ctx);

    const [plan] = await sqlAll<{ status: string }>(db, sql`SELECT status FROM reminders`);
    expect(plan!.status).toBe("done");
    const rows = await sqlAll<{ attempts: number; last_error: string; status: string }>(
      db,
      sql`SELECT attempts, last_error, status FROM outbox WHERE template = 'event.reminder'`,
    );
    // No EMAIL_API_KEY in this environment: the send is attempted, fails and waits for a retry.
    expect(rows).toEqual([
      { attempts: 1, last_error: expect.stringMatching(/EMAIL_API_KEY/), status: "pending" },
    ]);
  });
});
