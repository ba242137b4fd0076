import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DateTime } from "luxon";
import { afterEach, describe, expect, it, vi } from "vitest";
import { foldLines } from "../../src/features/calendar/fold.js";
import { buildCalendar, type CalendarEntry } from "../../src/features/calendar/ics.js";
import { vtimezone } from "../../src/features/calendar/vtimezone.js";
import {
  artefacts,
  attendee,
  config,
  events,
  expectations,
  JOIN_URL,
  personalJoinUrl,
} from "../golden/fixtures.js";

/**
 * The builder, byte for byte. Regenerate the golden files only on purpose:
 *   UPDATE_GOLDEN=1 npx vitest run test/calendar/ics.node.test.ts
 * and review the diff like code.
 */
const golden = (name: string) => fileURLToPath(new URL(`../golden/${name}`, import.meta.url));
const update = process.env.UPDATE_GOLDEN === "1";

const lines = (ics: string) => ics.split("\r\n").slice(0, -1);
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
const vevents = (ics: string) => unfold(ics).split("BEGIN:VEVENT\r\n").slice(1);
const prop = (block: string, name: string) =>
  block
    .split("\r\n")
    .find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`))
    ?.replace(/^[^:]*:/, "");
const one = (entry: CalendarEntry, method?: "PUBLISH" | "REQUEST" | "CANCEL") =>
  buildCalendar({ name: "Test", method, events: [entry], config });

afterEach(() => {
  vi.useRealTimers();
});

describe("golden iCalendar files", () => {
  for (const [name, ics] of Object.entries(artefacts())) {
    it(`${name} is byte for byte the approved file`, () => {
      if (update) writeFileSync(golden(name), ics);
      expect(ics).toBe(readFileSync(golden(name), "utf8"));
    });
  }

  it("roundtrip.expected lists what any parser must read (test/ics/roundtrip.py compares with it)", () => {
    const utc = (iso: string) => iso.replace(/\.000Z$/, "Z");
    const text = Object.entries(expectations())
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .flatMap(([file, list]) =>
        list.map((e) => [file, e.method, e.uid, e.sequence, utc(e.start), utc(e.end), e.status].join(" ")),
      )
      .join("\n");
    if (update) writeFileSync(golden("roundtrip.expected"), `${text}\n`);
    expect(`${text}\n`).toBe(readFileSync(golden("roundtrip.expected"), "utf8"));
  });

  it("does not depend on the clock or the process time zone", () => {
    const first = artefacts();
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2031-07-04T03:00:00Z"));
    const saved = process.env.TZ;
    process.env.TZ = "Asia/Kolkata";
    try {
      expect(new Date("2026-01-01T00:00:00Z").getTimezoneOffset()).toBe(-330);
      expect(artefacts()).toEqual(first);
    } finally {
      process.env.TZ = saved;
    }
  });
});

describe("iCalendar syntax", () => {
  const all = Object.values(artefacts());

  it("uses CRLF everywhere, also after END:VCALENDAR", () => {
    for (const ics of all) {
      expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
      expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    }
  });

  it("folds at 75 octets without splitting a UTF-8 character", () => {
    for (const ics of all) {
      for (const line of lines(ics)) {
        const bytes = new TextEncoder().encode(line);
        expect(bytes.length).toBeLessThanOrEqual(75);
        expect(new TextDecoder("utf-8", { fatal: true }).decode(bytes)).toBe(line);
      }
    }
    expect(all[0]).toMatch(/\r\n [^\r\n]/); // there was something to fold
  });

  it("folds 4-byte characters and lone surrogates safely", () => {
    const text = `DESCRIPTION:${"🇺🇦 слава ".repeat(20)}\ud800x`;
    const folded = foldLines(text);
    for (const line of folded.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(folded.replace(/\r\n /g, "")).toBe(text);
    expect(foldLines("SHORT:ok")).toBe("SHORT:ok");
  });

  it("puts every calendar property before the first component", () => {
    for (const ics of all) {
      const firstComponent = ics.indexOf("\r\nBEGIN:V");
      for (const p of ["X-WR-TIMEZONE", "REFRESH-INTERVAL", "X-PUBLISHED-TTL", "X-WR-CALNAME", "METHOD"]) {
        const at = ics.indexOf(`\r\n${p}`);
        if (at >= 0) expect(at).toBeLessThan(firstComponent);
      }
    }
  });

  it("escapes commas, semicolons, backslashes and line breaks, so CR/LF in a title adds no property", () => {
    const feed = artefacts()["feed.ics"]!;
    const [spring] = vevents(feed);
    expect(prop(spring!, "SUMMARY")).toBe(
      "Ukraine's critical choice: Pursue peace\\, or fight on\\; a debate \\\\ Q&A",
    );
    const injected = vevents(feed).find((v) => v.includes("UID:evt_injection"))!;
    expect(prop(injected, "SUMMARY")).toBe(
      "Evil\\nATTENDEE:mailto:x@example.org\\nDESCRIPTION:pwned\\nEND:VEVENT",
    );
    expect(injected.split("\r\n").filter((l) => l.startsWith("ATTENDEE"))).toEqual([]);
    expect(injected.split("\r\n").filter((l) => l.startsWith("DESCRIPTION"))).toHaveLength(1);
    expect([...injected].filter((ch) => ch.charCodeAt(0) < 9)).toEqual([]);
    // Calendar names are escaped too (ical-generator writes them raw).
    const named = buildCalendar({ name: "A, B; C\r\nMETHOD:CANCEL", events: [], config });
    expect(named).toContain("X-WR-CALNAME:A\\, B\\; C\\nMETHOD:CANCEL\r\n");
    expect(named.split("\r\n").filter((l) => l.startsWith("METHOD"))).toEqual([]);
  });
});

describe("event content", () => {
  it("never contains the event's join URL, even pasted into its description", () => {
    for (const ics of Object.values(artefacts())) {
      expect(ics).not.toContain(JOIN_URL);
      expect(ics).not.toContain("zoom.example.com");
    }
  });

  it("has a stable UID, the event's SEQUENCE and DTSTAMP/LAST-MODIFIED from its update time", () => {
    const [event] = vevents(one(events.newYorkSpring!));
    expect(prop(event!, "UID")).toBe("evt_ny_spring@events.example.org");
    expect(prop(event!, "SEQUENCE")).toBe("2");
    expect(prop(event!, "DTSTAMP")).toBe("20260110T153045Z");
    expect(prop(event!, "LAST-MODIFIED")).toBe("20260110T153045Z");
    const later = { ...events.newYorkSpring!, stamp: new Date("2026-02-01T00:00:00Z") };
    expect(prop(vevents(one(later))[0]!, "DTSTAMP")).toBe("20260201T000000Z");
  });

  it("locates virtual events at their page, in-person ones at the venue, hybrid at both", () => {
    const loc = (e: CalendarEntry) => prop(vevents(one(e))[0]!, "LOCATION");
    expect(loc(events.newYorkSpring!)).toBe("https://events.example.org/events/ny-spring");
    expect(loc(events.cancelledInPerson!)).toBe("1 Main St\\, Suite 100\\; Washington\\, DC");
    expect(loc(events.kyiv!)).toBe(
      "Український дім\\, вул. Хрещатик 2\\, Київ (and online: https://events.example.org/events/kyiv)",
    );
    expect(loc({ ...events.newYorkSpring!, personalJoinUrl })).toBe(personalJoinUrl);
  });

  it("marks speakers and roles in the description and topics as categories", () => {
    const [event] = vevents(one(events.newYorkSpring!));
    expect(prop(event!, "DESCRIPTION")).toContain(
      "Speakers:\\n- Daniel Davis\\, Senior Fellow\\, Defense Priorities\\n- Олена Коваленко\\, Дослідниця\\, Київ\\n- Jennifer Kavanagh (moderator)",
    );
    expect(prop(event!, "DESCRIPTION")).toContain("Event page: https://events.example.org/events/ny-spring");
    expect(prop(event!, "CATEGORIES")).toBe("NATO,Ukraine\u2011Russia");
  });

  it("writes METHOD, ATTENDEE and STATUS for invitations and cancellations", () => {
    const request = one({ ...events.kyiv!, attendee, personalJoinUrl }, "REQUEST");
    expect(request).toContain("METHOD:REQUEST\r\n");
    const [req] = vevents(request);
    expect(prop(req!, "ATTENDEE")).toBe("MAILTO:olena@example.org");
    expect(req).toContain('PARTSTAT=ACCEPTED;RSVP=FALSE;CN="Олена Lena Коваленко"');
    expect(prop(req!, "ORGANIZER")).toBe("mailto:events@events.example.org");
    expect(prop(req!, "STATUS")).toBe("CONFIRMED");

    const cancel = one({ ...events.kyiv!, attendee, personalJoinUrl }, "CANCEL");
    const [c] = vevents(cancel);
    expect(cancel).toContain("METHOD:CANCEL\r\n");
    expect(prop(c!, "STATUS")).toBe("CANCELLED");
    expect(prop(c!, "SUMMARY")).toBe("Вибір України: мир чи боротьба");
    expect(prop(c!, "DESCRIPTION")).toMatch(/^Your registration has been cancelled\./);
    expect(cancel).not.toContain(personalJoinUrl);

    expect(() => one(events.kyiv!, "REQUEST")).toThrow(/attendee/);
  });

  it("has alarms only where asked, and none in a cancelled event", () => {
    expect(artefacts()["feed.ics"]).not.toContain("BEGIN:VALARM");
    expect(one({ ...events.kyiv!, alarmMinutesBefore: [15] })).toContain(
      "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\n",
    );
    expect(one({ ...events.cancelledInPerson!, alarmMinutesBefore: [15] })).not.toContain("VALARM");
  });
});

describe("times", () => {
  it("writes zoned wall times with a VTIMEZONE for each zone used, canonical TZIDs for aliases", () => {
    const feed = artefacts()["feed.ics"]!;
    const tzids = [...feed.matchAll(/^TZID:(.+)$/gm)].map((m) => m[1]);
    expect(tzids).toEqual(["America/New_York", "Europe/Kyiv", "Australia/Lord_Howe"]);
    const injected = vevents(feed).find((v) => v.includes("UID:evt_injection"))!;
    expect(injected).toContain("DTSTART;TZID=Europe/Kyiv:20260220T190000\r\n");
    const used = new Set([...feed.matchAll(/;TZID=([^:;]+)/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual([...tzids].sort());
  });

  it("writes UTC instead of a wall time that happens twice (DST overlap)", () => {
    const [overlap] = vevents(one(events.newYorkFallOverlap!));
    expect(overlap).toContain("DTSTART:20261101T053000Z\r\nDTEND:20261101T073000Z\r\n");
    const [howe] = vevents(one(events.lordHoweOverlap!));
    expect(howe).toContain("DTSTART:20260404T151500Z\r\n");
    const [after] = vevents(one(events.newYorkFall!));
    expect(after).toContain("DTSTART;TZID=America/New_York:20261101T020000\r\n");
  });

  it("writes UTC for a zone the VTIMEZONE library does not know", () => {
    const odd = {
      ...events.newYorkFall!,
      row: { ...events.newYorkFall!.row, timeZone: "Mars/Olympus_Mons" },
    };
    const ics = one(odd);
    expect(ics).toContain("DTSTART:20261101T070000Z\r\n");
    expect(ics).not.toContain("BEGIN:VTIMEZONE");
  });

  it("evaluates VTIMEZONE rules as luxon does, every half hour for two years", () => {
    for (const zone of ["America/New_York", "Europe/Kyiv", "Australia/Lord_Howe"]) {
      const vtz = vtimezone(zone)!;
      for (let ms = Date.UTC(2026, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 30 * 60_000) {
        const offset = DateTime.fromMillis(ms, { zone }).offset;
        if (vtz.offsetAt(ms) !== offset) throw new Error(`${zone} at ${new Date(ms).toISOString()}`);
      }
    }
    const ny = vtimezone("America/New_York")!;
    expect(ny.readingsOf(Date.UTC(2026, 2, 8, 2, 30))).toEqual([]); // the gap
    expect(ny.readingsOf(Date.UTC(2026, 10, 1, 1, 30)).sort((a, b) => a - b)).toEqual([-300, -240]); // the overlap
    expect(vtimezone("Australia/Lord_Howe")!.readingsOf(Date.UTC(2026, 9, 4, 2, 15))).toEqual([]);
    expect(vtimezone("Mars/Olympus_Mons")).toBeNull();
  });
});
