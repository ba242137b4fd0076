import { describe, expect, it } from "vitest";
import { Problem } from "../../src/lib/problem.js";
import { localView, resolveTime } from "../../src/lib/time.js";

const problemOf = (fn: () => unknown): Problem => {
  try {
    fn();
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
  throw new Error("expected a problem");
};

describe("reading staff-entered times", () => {
  it("reads a local wall time in the event's zone", () => {
    expect(resolveTime("startsAt", "2025-04-16T12:00", "America/New_York").toISOString()).toBe(
      "2025-04-16T16:00:00.000Z",
    );
    expect(resolveTime("startsAt", "2025-01-16T12:00", "America/New_York").toISOString()).toBe(
      "2025-01-16T17:00:00.000Z",
    );
    expect(resolveTime("startsAt", "2025-07-01T19:00", "Europe/Kyiv").toISOString()).toBe(
      "2025-07-01T16:00:00.000Z",
    );
  });

  it("takes an instant with an offset as it is, whatever the zone", () => {
    expect(resolveTime("startsAt", "2025-04-16T12:00:00-04:00", "Asia/Tokyo").toISOString()).toBe(
      "2025-04-16T16:00:00.000Z",
    );
    expect(resolveTime("startsAt", "2025-04-16T16:00:00Z", "Europe/Kyiv").toISOString()).toBe(
      "2025-04-16T16:00:00.000Z",
    );
  });

  it.each([
    ["America/New_York", "2026-03-08T02:30"],
    ["Europe/Kyiv", "2026-03-29T03:30"],
    ["Australia/Lord_Howe", "2026-10-04T02:15"],
  ])("refuses a wall time that does not exist in %s (%s, spring forward)", (zone, local) => {
    const p = problemOf(() => resolveTime("startsAt", local, zone));
    expect(p.status).toBe(422);
    expect(p.kind).toBe("nonexistent-local-time");
    expect(p.errors?.[0]?.field).toBe("startsAt");
    expect(p.errors?.[0]?.message).toContain("does not exist");
  });

  it.each([
    ["America/New_York", "2026-11-01T01:30", ["-04:00", "-05:00"]],
    ["Europe/Kyiv", "2026-10-25T03:30", ["+03:00", "+02:00"]],
  ])(
    "refuses a wall time that happens twice in %s (%s, fall back) and names both offsets",
    (zone, local, offsets) => {
      const p = problemOf(() => resolveTime("endsAt", local, zone));
      expect(p.kind).toBe("ambiguous-local-time");
      expect(p.errors?.[0]?.field).toBe("endsAt");
      for (const o of offsets) expect(p.errors?.[0]?.message).toContain(o);
    },
  );

  it("accepts the ambiguous wall time once an offset picks one of the two", () => {
    expect(resolveTime("startsAt", "2026-11-01T01:30-04:00", "America/New_York").toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
    expect(resolveTime("startsAt", "2026-11-01T01:30-05:00", "America/New_York").toISOString()).toBe(
      "2026-11-01T06:30:00.000Z",
    );
  });

  it("handles zones with half-hour offsets, and Lord Howe's half-hour DST shift", () => {
    expect(resolveTime("startsAt", "2026-04-16T12:00", "Asia/Kolkata").toISOString()).toBe(
      "2026-04-16T06:30:00.000Z",
    );
    expect(resolveTime("startsAt", "2026-01-16T12:00", "Australia/Adelaide").toISOString()).toBe(
      "2026-01-16T01:30:00.000Z",
    );
    // Lord Howe is +11:00 in summer and +10:30 in winter.
    expect(resolveTime("startsAt", "2026-01-16T12:00", "Australia/Lord_Howe").toISOString()).toBe(
      "2026-01-16T01:00:00.000Z",
    );
    expect(resolveTime("startsAt", "2026-07-16T12:00", "Australia/Lord_Howe").toISOString()).toBe(
      "2026-07-16T01:30:00.000Z",
    );
  });

  it("rejects shapes that are neither a wall time nor an instant", () => {
    expect(problemOf(() => resolveTime("startsAt", "16/04/2025 12:00", "UTC")).errors?.[0]?.field).toBe(
      "startsAt",
    );
    expect(problemOf(() => resolveTime("startsAt", "2025-02-30T12:00", "UTC")).errors?.[0]?.field).toBe(
      "startsAt",
    );
  });

  it("shows an instant as wall time and offset in the zone", () => {
    expect(localView(new Date("2026-03-08T07:30:00Z"), "America/New_York")).toEqual({
      local: "2026-03-08T03:30:00",
      offset: "-04:00",
    });
    expect(localView(new Date("2026-03-08T06:30:00Z"), "America/New_York")).toEqual({
      local: "2026-03-08T01:30:00",
      offset: "-05:00",
    });
  });
});
