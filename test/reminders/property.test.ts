import fc from "fast-check";
import { describe, it } from "vitest";
import { engine } from "../support/app.js";
import { runScenario, scenarioArb } from "../support/reminder-scenarios.js";

describe(`reminders under random schedules (${engine})`, () => {
  it("are sent on time, once, to the right people, and never after the start or a cancellation", {
    timeout: 120_000,
  }, async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, runScenario), { numRuns: 25 });
  });
});
