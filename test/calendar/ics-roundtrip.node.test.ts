import ICAL from "ical.js";
import nodeIcal from "node-ical";
import { describe, expect, it } from "vitest";
import { artefacts, events, expectations } from "../golden/fixtures.js";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";

/**
 * Every artefact of the builder read back by ical.js (Thunderbird's parser, which reads our
 * VTIMEZONE rules) and node-ical: the instants in UTC, UID, SEQUENCE, STATUS and METHOD must
 * be the event's, across the DST changes of New York, Kyiv and Lord Howe.
 */
interface Parsed {
  method: string | null;
  events: {
    uid: string;
    start: string;
    end: string;
    sequence: number;
    status: string;
    summary: string;
    attendees: number;
  }[];
}

function withIcalJs(text: string): Parsed {
  const cal = new ICAL.Component(ICAL.parse(text));
  for (const vtz of cal.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(vtz);
  return {
    method: (cal.getFirstPropertyValue("method") as string | null) ?? null,
    events: cal.getAllSubcomponents("vevent").map((v) => {
      const e = new ICAL.Event(v);
      return {
        uid: e.uid,
        start: e.startDate.toJSDate().toISOString(),
        end: e.endDate.toJSDate().toISOString(),
        sequence: e.sequence,
        status: String(v.getFirstPropertyValue("status")),
        summary: e.summary,
        attendees: e.attendees.length,
      };
    }),
  };
}

function withNodeIcal(text: string): Parsed {
  const components = Object.values(nodeIcal.sync.parseICS(text)).filter((c) => c !== undefined);
  const cal = components.find((c) => c.type === "VCALENDAR") as { method?: string } | undefined;
  return {
    method: cal?.method ?? null,
    events: components
      .filter((c): c is nodeIcal.VEvent => c.type === "VEVENT")
      .map((e) => ({
        uid: e.uid,
        start: e.start.toISOString(),
        end: e.end!.toISOString(),
        sequence: Number(e.sequence),
        status: String(e.status),
        summary: typeof e.summary === "string" ? e.summary : String((e.summary as { val: string }).val),
        attendees: e.attendee ? [e.attendee].flat().length : 0,
      })),
  };
}

const parsers = { "ical.js": withIcalJs, "node-ical": withNodeIcal };

describe("round trip of every golden artefact", () => {
  const built = artefacts();
  const expected = expectations();
  for (const [file, text] of Object.entries(built)) {
    for (const [parserName, parse] of Object.entries(parsers)) {
      it(`${file} read by ${parserName}`, () => {
        const parsed = parse(text);
        const want = expected[file]!;
        expect(parsed.method).toBe(want[0]!.method);
        expect(
          parsed.events.map(({ uid, start, end, sequence, status }) => ({
            uid,
            start,
            end,
            sequence,
            status,
          })),
        ).toEqual(
          want.map(({ uid, start, end, sequence, status }) => ({ uid, start, end, sequence, status })),
        );
        const invitation = file.startsWith("request") || file.startsWith("cancel");
        for (const e of parsed.events) expect(e.attendees).toBe(invitation ? 1 : 0);
      });
    }
  }

  it("keeps escaped text intact, and an injected line break stays inside the summary", () => {
    for (const parse of Object.values(parsers)) {
      const parsed = parse(built["feed.ics"]!);
      const summary = (uid: string) => parsed.events.find((e) => e.uid.startsWith(uid))!.summary;
      expect(summary("evt_ny_spring")).toBe(events.newYorkSpring!.row.title);
      expect(summary("evt_injection")).toBe(
        "Evil\nATTENDEE:mailto:x@example.org\nDESCRIPTION:pwned\nEND:VEVENT",
      );
      expect(summary("evt_kyiv")).toBe("Вибір України: мир чи боротьба");
      expect(parsed.events).toHaveLength(Object.keys(events).length);
    }
  });

  it("has CRLF line ends and no line over 75 octets", () => {
    for (const text of Object.values(built)) {
      expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
      for (const line of text.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    }
  });
});

describe("round trip of the served feeds", () => {
  it("gives back the instants the API reports, across DST changes", async () => {
    const t = await createTestApp({ now: "2026-01-15T12:00:00Z" });
    const key = await t.key(["admin"]);
    const made = [
      await makeEvent(t, key, {
        title: "NY spring",
        startsAt: "2026-03-08T03:30",
        timeZone: "America/New_York",
      }),
      await makeEvent(t, key, {
        title: "NY fall",
        startsAt: "2026-11-01T01:30-04:00",
        timeZone: "America/New_York",
      }),
      await makeEvent(t, key, {
        title: "Kyiv",
        startsAt: "2026-10-25T02:30",
        timeZone: "Europe/Kyiv",
        durationMinutes: 180,
      }),
      await makeEvent(t, key, {
        title: "Lord Howe",
        startsAt: "2026-10-04T01:45",
        timeZone: "Australia/Lord_Howe",
        durationMinutes: 75,
      }),
    ];
    const feed = (await t.request("GET", "/calendar.ics")).text;
    const single = (await t.request("GET", `/events/${made[2].slug}.ics`)).text;
    for (const parse of Object.values(parsers)) {
      const parsed = parse(feed);
      for (const e of made) {
        const found = parsed.events.find((p) => p.uid === `${e.id}@events.example.org`)!;
        expect(found.start).toBe(new Date(e.startsAt).toISOString());
        expect(found.end).toBe(new Date(e.endsAt).toISOString());
      }
      expect(parse(single).events[0]!.start).toBe(new Date(made[2].startsAt).toISOString());
    }
  });
});
