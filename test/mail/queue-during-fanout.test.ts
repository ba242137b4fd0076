import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import type { DeliveryChunk } from "../../src/deps.js";
import { QUEUE_CLAIM_ROWS } from "../../src/features/outbox/index.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { engine } from "../support/app.js";
import { registrants, setup } from "../support/reminders.js";

describe(`the delivery queue during a large fan-out (${engine})`, () => {
  it("hands chunks to the queue while the fan-out goes on, every row exactly once", async () => {
    const { t, e } = await setup({ reminders: ["PT1H"] });
    const n = QUEUE_CLAIM_ROWS + 500;
    await registrants(t, e.id, n, "wide");
    // A queue that notes, at each sendBatch, how many of the reminder's rows the outbox holds.
    const sent: { chunks: DeliveryChunk[]; rowsThen: number }[] = [];
    t.deps.deliveryQueue = {
      async sendBatch(chunks) {
        const [row] = await sqlAll<{ n: number }>(
          t.db,
          sql`SELECT count(*) AS n FROM outbox WHERE event_id = ${e.id} AND template = 'event.reminder'`,
        );
        sent.push({ chunks, rowsThen: Number(row!.n) });
      },
    };
    t.clock.set("2026-04-16T15:00:00Z");
    const run = await runDueWork(t.deps);

    expect(run.reminders).toMatchObject({ done: 1, queued: n });
    // The first chunks left when the fan-out had written its first QUEUE_CLAIM_ROWS rows, not all.
    expect(sent[0]!.rowsThen).toBe(QUEUE_CLAIM_ROWS);
    expect(sent.at(-1)!.rowsThen).toBe(n);
    const ids = sent.flatMap((s) => s.chunks.flatMap((c) => c.ids));
    expect(ids).toHaveLength(n);
    expect(new Set(ids).size).toBe(n);
    expect(run.queued).toMatchObject({ claimed: n });
  });
});
