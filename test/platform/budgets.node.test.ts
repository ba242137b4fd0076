import { describe, expect, it } from "vitest";
import { chunkByBudget, QUEUE_MAX_BATCH_BYTES, QUEUE_MAX_BATCH_MESSAGES } from "../../src/lib/budgets.js";

const bytes = (items: unknown[]) => items.reduce<number>((s, i) => s + JSON.stringify(i).length, 0);

describe("chunkByBudget, the shape of every sendBatch", () => {
  it("keeps each group within the message count, in order", () => {
    const items = Array.from({ length: 250 }, (_, i) => ({ i }));
    const groups = chunkByBudget(items, QUEUE_MAX_BATCH_MESSAGES, QUEUE_MAX_BATCH_BYTES);
    expect(groups.map((g) => g.length)).toEqual([100, 100, 50]);
    expect(groups.flat()).toEqual(items);
  });

  it("starts a new group before the bytes would pass the budget", () => {
    // Chunks of 100 outbox ids are ~3.7 KB: 256 KB holds 69 of them, not 100.
    const chunk = {
      claimId: "clm_x",
      ids: Array.from({ length: 100 }, (_, i) => `msg_0000000000${i}abcdefabcdefabcd`),
    };
    const groups = chunkByBudget(Array(100).fill(chunk), QUEUE_MAX_BATCH_MESSAGES, QUEUE_MAX_BATCH_BYTES);
    expect(groups.length).toBe(2);
    for (const g of groups) expect(bytes(g)).toBeLessThanOrEqual(QUEUE_MAX_BATCH_BYTES);
    expect(groups.flat()).toHaveLength(100);
  });

  it("refuses an item that alone is over the budget", () => {
    expect(() => chunkByBudget([{ text: "x".repeat(200) }], 10, 100)).toThrow(/over the budget of 100/);
  });
});
