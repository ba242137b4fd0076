import { describe, expect, it } from "vitest";
import { createTestApp, engine, type TestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";

// A Zoom "Participants" export as the web portal writes it: the meeting summary, a blank line,
// then one row per join (people who dropped out and came back appear more than once).
const ZOOM_EXPORT = [
  "\uFEFFMeeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants",
  `812 3456 7890,"Ukraine's critical choice: Pursue peace or fight on",04/16/2026 11:50:12 AM,04/16/2026 01:08:45 PM,scheduler@institute.example,79,7`,
  "",
  "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent",
  "Events Team,host@institute.example,04/16/2026 11:50:12 AM,04/16/2026 01:08:45 PM,79,No,Y",
  "Ada Lovelace (Ada),ada@example.org,04/16/2026 12:01:30 PM,04/16/2026 12:30:00 PM,29,Yes,Y",
  `"Doe, Jane",jane@example.org,04/16/2026 12:05:00 PM,04/16/2026 01:00:00 PM,55,Yes,Y`,
  "Ada Lovelace (Ada), ADA@Example.ORG ,04/16/2026 11:58:02 AM,04/16/2026 12:01:00 PM,3,Yes,Y",
  "Dial-in user,,04/16/2026 12:10:00 PM,04/16/2026 12:40:00 PM,30,Yes,",
  "Bob,bob@example.org,sometime,04/16/2026 12:40:00 PM,30,Yes,Y",
  "Somebody Else,stranger@elsewhere.example,04/16/2026 12:20:00 PM,04/16/2026 12:25:00 PM,5,Yes,Y",
  "Ada Lovelace (Ada),ada@example.org,04/16/2026 12:31:00 PM,04/16/2026 01:00:00 PM,29,Yes,Y",
  "",
].join("\r\n");

async function setup() {
  const t = await createTestApp({ now: "2026-04-01T12:00:00Z" });
  const admin = await t.key(["admin"]);
  // 12:00 in New York on 16 April 2026 is 16:00Z (EDT).
  const e = await makeEvent(t, admin, { capacity: 10, startsAt: "2026-04-16T12:00" });
  for (const email of ["ada@example.org", "jane@example.org", "bob@example.org", "cleo@example.org"]) {
    await registerFor(t, e.slug, { email });
  }
  t.clock.set("2026-04-16T18:00:00Z");
  return { t, admin, e };
}

const importFile = (t: TestApp, slug: string, key: string, body: string, type = "text/csv") =>
  t.request("POST", `/api/v1/events/${slug}/attendance`, { key, body, headers: { "content-type": type } });

const attendance = async (t: TestApp, slug: string, key: string) =>
  Object.fromEntries(
    (await t.request("GET", `/api/v1/events/${slug}/registrations?limit=100`, { key })).body.data.map(
      (r: any) => [r.email, r.attendedAt],
    ),
  );

describe(`attendance import from a Zoom export (${engine})`, () => {
  it("marks registrants from the participants block (not the summary), once each, at their earliest join", async () => {
    const { t, admin, e } = await setup();
    const writer = await t.key(["registrations:write"], "events team");
    const res = await importFile(t, e.slug, writer, ZOOM_EXPORT);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      matched: 3,
      alreadyMarked: 0,
      unmatched: ["host@institute.example", "stranger@elsewhere.example"],
    });
    expect(await attendance(t, e.slug, admin)).toEqual({
      "ada@example.org": "2026-04-16T15:58:02Z", // 11:58:02 AM EDT, her first join
      "jane@example.org": "2026-04-16T16:05:00Z",
      "bob@example.org": "2026-04-16T18:00:00Z", // no readable join time: the import's time
      "cleo@example.org": null,
    });
    const attended = await t.request("GET", `/api/v1/events/${e.slug}/registrations?attended=true`, {
      key: admin,
    });
    expect(attended.body.data.map((r: any) => r.email).sort()).toEqual([
      "ada@example.org",
      "bob@example.org",
      "jane@example.org",
    ]);

    const audit = await t.request("GET", "/api/v1/audit-log?entityType=event", { key: admin });
    const entry = audit.body.data.find((a: any) => a.action === "registration.attendance_import");
    expect(entry).toMatchObject({
      entityId: e.id,
      keyName: "events team",
      after: { emails: 5, matched: 3, alreadyMarked: 0 },
    });
  });

  it("leaves marked registrations alone when the same file comes again", async () => {
    const { t, admin, e } = await setup();
    await importFile(t, e.slug, admin, ZOOM_EXPORT);
    const before = await attendance(t, e.slug, admin);
    t.clock.advance(3_600_000);
    const again = await importFile(t, e.slug, admin, ZOOM_EXPORT);
    expect(again.body).toEqual({
      matched: 0,
      alreadyMarked: 3,
      unmatched: ["host@institute.example", "stranger@elsewhere.example"],
    });
    expect(await attendance(t, e.slug, admin)).toEqual(before);
    const more = await importFile(t, e.slug, admin, "Email\ncleo@example.org\njane@example.org\n");
    expect(more.body).toEqual({ matched: 1, alreadyMarked: 1, unmatched: [] });
    expect((await attendance(t, e.slug, admin))["cleo@example.org"]).toBe("2026-04-16T19:00:00Z");
  });

  it("reads the older and the newer Zoom headers, with LF line ends and without a summary", async () => {
    const { t, admin, e } = await setup();
    const older = [
      "Name (Original Name),Email,Join Time,Leave Time,Duration (Minutes),Attentiveness Score",
      "Jane,jane@example.org,2026-04-16 12:02:00,2026-04-16 13:00:00,58,",
    ].join("\n");
    expect((await importFile(t, e.slug, admin, older)).body).toEqual({
      matched: 1,
      alreadyMarked: 0,
      unmatched: [],
    });
    const newer = [
      "Name (original name),Email,Join time,Leave time,Duration (minutes),Guest,In waiting room",
      "Ada,ada@example.org,04/16/2026 12:03:04 PM,04/16/2026 12:59:00 PM,56,Yes,No",
    ].join("\n");
    expect((await importFile(t, e.slug, admin, newer, "text/csv; charset=utf-8")).body.matched).toBe(1);
    const marks = await attendance(t, e.slug, admin);
    expect(marks["jane@example.org"]).toBe("2026-04-16T16:02:00Z");
    expect(marks["ada@example.org"]).toBe("2026-04-16T16:03:04Z");
  });

  it("refuses a file without an email column, broken CSV, other media types and oversized bodies", async () => {
    const { t, admin, e } = await setup();
    for (const body of ["Name,Phone\r\nAda,555-0100\r\n", "", 'Email\r\n"ada@example.org\r\n']) {
      const res = await importFile(t, e.slug, admin, body);
      expect(res.status).toBe(422);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(res.body.errors[0].field).toBe("file");
    }
    const json = await importFile(t, e.slug, admin, '{"emails":[]}', "application/json");
    expect(json.status).toBe(415);
    const huge = `Email\r\n${"someone@example.org\r\n".repeat(270_000)}`; // ~5.4 MB
    const tooBig = await importFile(t, e.slug, admin, huge);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.type).toBe("/problems/payload-too-large");
    expect(tooBig.body.errors[0].field).toBe("file");
    expect((await importFile(t, "no-such-event", admin, ZOOM_EXPORT)).status).toBe(404);
    expect(Object.values(await attendance(t, e.slug, admin)).every((v) => v === null)).toBe(true);
    const audit = await t.request("GET", "/api/v1/audit-log?entityType=event", { key: admin });
    expect(audit.body.data.some((a: any) => a.action === "registration.attendance_import")).toBe(false);
  });

  it("matches only this event's registrations", async () => {
    const { t, admin, e } = await setup();
    t.clock.set("2026-04-01T12:00:00Z");
    const other = await makeEvent(t, admin, { title: "Another event", startsAt: "2026-04-20T12:00" });
    await registerFor(t, other.slug, { email: "stranger@elsewhere.example" });
    t.clock.set("2026-04-16T18:00:00Z");
    const res = await importFile(t, e.slug, admin, ZOOM_EXPORT);
    expect(res.body.unmatched).toContain("stranger@elsewhere.example");
    expect((await attendance(t, other.slug, admin))["stranger@elsewhere.example"]).toBeNull();
  });
});
