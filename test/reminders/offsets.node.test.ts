import { describe, expect, it } from "vitest";
import {
  DEFAULT_REMINDERS,
  dueInstant,
  leadMs,
  MAX_LEAD_DAYS,
  MAX_REMINDERS,
  offsetWords,
  parseOffset,
  ReminderOffsets,
} from "../../src/features/events/offsets.js";

/**
 * Every expected instant below is worked out by hand and written out literally (the comment next
 * to it gives the wall clock it stands for), never computed with the function under test.
 */
const due = (startsAt: string, zone: string, offset: string) =>
  dueInstant(new Date(startsAt), zone, offset).toISOString();
const HOUR = 3_600_000;

describe("when a reminder is due", () => {
  describe("a day before (P1D) keeps the wall clock in the event's zone", () => {
    it.each([
      // zone, start (UTC instant), local start, expected due (UTC), local due, hours before
      [
        "America/New_York",
        "2026-03-08T16:00:00Z",
        "12:00 EDT Sun 8 Mar",
        "2026-03-07T17:00:00.000Z",
        "12:00 EST",
        23,
      ],
      [
        "America/New_York",
        "2026-11-01T17:00:00Z",
        "12:00 EST Sun 1 Nov",
        "2026-10-31T16:00:00.000Z",
        "12:00 EDT",
        25,
      ],
      [
        "Europe/Kyiv",
        "2026-03-29T09:00:00Z",
        "12:00 EEST Sun 29 Mar",
        "2026-03-28T10:00:00.000Z",
        "12:00 EET",
        23,
      ],
      [
        "Europe/Kyiv",
        "2026-10-25T10:00:00Z",
        "12:00 EET Sun 25 Oct",
        "2026-10-24T09:00:00.000Z",
        "12:00 EEST",
        25,
      ],
    ])(
      "in %s, before %s (%s) it is due at %s (%s), %i hours before",
      (zone, start, _local, expected, _dueLocal, hours) => {
        expect(due(start, zone, "P1D")).toBe(expected);
        expect(leadMs(new Date(start), zone, "P1D")).toBe(hours * HOUR);
      },
    );

    it("is exactly 24 hours before when no clock change lies between", () => {
      // 12:00 EST on Thursday 15 January 2026 -> 12:00 EST on Wednesday 14 January.
      expect(due("2026-01-15T17:00:00Z", "America/New_York", "P1D")).toBe("2026-01-14T17:00:00.000Z");
      // 19:00 EEST on 1 July 2026 in Kyiv -> 19:00 EEST on 30 June.
      expect(due("2026-07-01T16:00:00Z", "Europe/Kyiv", "P1D")).toBe("2026-06-30T16:00:00.000Z");
    });
  });

  describe("time units are exact", () => {
    it("PT24H is 24 hours before, even across the spring-forward night (11:00 EST, not 12:00)", () => {
      expect(due("2026-03-08T16:00:00Z", "America/New_York", "PT24H")).toBe("2026-03-07T16:00:00.000Z");
    });

    it("PT24H is 24 hours before across the fall-back night too (13:00 EDT, not 12:00)", () => {
      expect(due("2026-11-01T17:00:00Z", "America/New_York", "PT24H")).toBe("2026-10-31T17:00:00.000Z");
    });

    it("PT48H stays 48 hours rather than turning into two calendar days", () => {
      // Two calendar days before 12:00 EEST on Monday 30 March would be 12:00 EET on Saturday 28 March
      // (10:00 UTC); 48 hours is 11:00 EET (09:00 UTC).
      expect(due("2026-03-30T09:00:00Z", "Europe/Kyiv", "PT48H")).toBe("2026-03-28T09:00:00.000Z");
      expect(due("2026-03-30T09:00:00Z", "Europe/Kyiv", "P2D")).toBe("2026-03-28T10:00:00.000Z");
    });

    it("PT1H is an hour before and PT0S is the start itself", () => {
      expect(due("2026-03-08T16:00:00Z", "America/New_York", "PT1H")).toBe("2026-03-08T15:00:00.000Z");
      expect(due("2026-03-08T16:00:00Z", "America/New_York", "PT30M")).toBe("2026-03-08T15:30:00.000Z");
      expect(due("2026-03-08T16:00:00Z", "America/New_York", "PT0S")).toBe("2026-03-08T16:00:00.000Z");
      expect(leadMs(new Date("2026-03-08T16:00:00Z"), "America/New_York", "PT0S")).toBe(0);
    });
  });

  it("a mixed P1DT2H takes the calendar day first, then two exact hours", () => {
    // 12:00 EDT on 8 March -> 12:00 EST on 7 March (17:00 UTC) -> minus 2 h = 10:00 EST (15:00 UTC): 25 h.
    expect(due("2026-03-08T16:00:00Z", "America/New_York", "P1DT2H")).toBe("2026-03-07T15:00:00.000Z");
    expect(leadMs(new Date("2026-03-08T16:00:00Z"), "America/New_York", "P1DT2H")).toBe(25 * HOUR);
  });

  it("a week before (P1W) keeps the wall clock across a clock change: 167 hours", () => {
    // 12:00 EDT on Tuesday 10 March -> 12:00 EST on Tuesday 3 March.
    expect(due("2026-03-10T16:00:00Z", "America/New_York", "P1W")).toBe("2026-03-03T17:00:00.000Z");
    expect(leadMs(new Date("2026-03-10T16:00:00Z"), "America/New_York", "P1W")).toBe(167 * HOUR);
    // No change in between: exactly 7 * 24 hours.
    expect(due("2026-01-20T17:00:00Z", "America/New_York", "P1W")).toBe("2026-01-13T17:00:00.000Z");
  });

  describe("a day-before wall time that falls in a spring-forward gap moves forward by the gap", () => {
    it("in New York: 02:30 the day before does not exist, so 03:30 EDT", () => {
      // Start 02:30 EDT on Monday 9 March (06:30 UTC); 02:30 on Sunday 8 March was skipped.
      expect(due("2026-03-09T06:30:00Z", "America/New_York", "P1D")).toBe("2026-03-08T07:30:00.000Z");
      expect(leadMs(new Date("2026-03-09T06:30:00Z"), "America/New_York", "P1D")).toBe(23 * HOUR);
    });

    it("in Kyiv: 03:30 the day before does not exist, so 04:30 EEST", () => {
      // Start 03:30 EEST on Monday 30 March (00:30 UTC); 03:30 on Sunday 29 March was skipped.
      expect(due("2026-03-30T00:30:00Z", "Europe/Kyiv", "P1D")).toBe("2026-03-29T01:30:00.000Z");
    });
  });

  it("refuses to compute a due instant for something that is not an offset", () => {
    expect(() => dueInstant(new Date("2026-03-08T16:00:00Z"), "America/New_York", "-P1D")).toThrow(
      "not a reminder offset: -P1D",
    );
  });
});

describe("reading an offset", () => {
  it.each([
    ["P1D", { days: 1 }],
    ["PT1H", { hours: 1 }],
    ["PT0S", { seconds: 0 }],
    ["P1DT2H", { days: 1, hours: 2 }],
    ["P1W", { weeks: 1 }],
    ["PT90M", { minutes: 90 }],
    ["P1Y2M3W4DT5H6M7S", { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 }],
  ])("reads %s as written", (iso, parts) => {
    expect(parseOffset(iso)?.toObject()).toEqual(parts);
  });

  it.each([
    ["-P1D", "a negative duration"],
    ["P-1D", "a negative part"],
    ["P1.5D", "a fraction of a day"],
    ["PT0.5H", "a fraction of an hour"],
    ["PT1.5S", "a fraction of a second"],
    ["P1,5D", "a fraction with a comma"],
    ["P", "an empty P"],
    ["PT", "an empty PT"],
    ["", "nothing at all"],
    ["garbage", "garbage"],
    ["1D", "no P"],
    ["P1H", "hours without T"],
    ["PT1D", "days after T"],
    ["p1d", "lower case"],
    [" P1D", "leading space"],
    ["P1D ", "trailing space"],
  ])("rejects %j (%s)", (iso) => {
    expect(parseOffset(iso)).toBeNull();
  });
});

describe("an event's list of reminder offsets", () => {
  const issues = (value: unknown) => {
    const r = ReminderOffsets.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path, message: i.message }));
  };

  it("defaults to a day and an hour before", () => {
    expect(DEFAULT_REMINDERS).toEqual(["P1D", "PT1H"]);
  });

  it("accepts the usual lists, the empty one and the limits themselves", () => {
    expect(issues(["P1D", "PT1H", "PT0S"])).toEqual([]);
    expect(issues([])).toEqual([]);
    expect(issues(["P60D"])).toEqual([]);
    expect(issues(["PT1440H"])).toEqual([]);
    expect(issues(Array.from({ length: 10 }, (_, i) => `PT${i + 1}M`))).toEqual([]);
  });

  it("rejects a repeated offset", () => {
    expect(issues(["P1D", "PT1H", "P1D"])).toEqual([{ path: [], message: "must not repeat an offset" }]);
  });

  it("rejects more than 10 offsets", () => {
    expect(MAX_REMINDERS).toBe(10);
    const list = Array.from({ length: 11 }, (_, i) => `PT${i + 1}M`);
    expect(issues(list)).toEqual([{ path: [], message: expect.stringContaining("10") }]);
  });

  it.each(["P61D", "P9W", "P2M", "P3M", "P1Y", "PT1441H"])(
    "rejects %s, which can be more than 60 days before the start",
    (iso) => {
      expect(MAX_LEAD_DAYS).toBe(60);
      expect(issues(["PT1H", iso])).toEqual([
        { path: [1], message: "must be at most 60 days before the start" },
      ]);
    },
  );

  it.each(["-P1D", "P1.5D", "P", "PT", "tomorrow"])("rejects %j as not an ISO 8601 duration", (iso) => {
    expect(issues([iso])).toEqual([
      { path: [0], message: "must be an ISO 8601 duration such as P1D, PT1H or PT0S" },
    ]);
  });
});

describe("the words for an on-time reminder", () => {
  it.each([
    ["P1D", "in 1 day"],
    ["P2D", "in 2 days"],
    ["PT1H", "in 1 hour"],
    ["PT2H", "in 2 hours"],
    ["PT30M", "in 30 minutes"],
    ["PT1M", "in 1 minute"],
    ["P1W", "in 1 week"],
    ["P1DT2H", "in 1 day 2 hours"],
    ["PT1H30M", "in 1 hour 30 minutes"],
    ["PT90M", "in 90 minutes"],
    ["PT0S", "now"],
    ["P0D", "now"],
  ])("says %s is %j", (iso, words) => {
    expect(offsetWords(iso)).toBe(words);
  });
});
