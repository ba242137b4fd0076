import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateScaleDatabase, verifyScaleDatabase } from "../../bench/scale-data.js";
import {
  eventSlug,
  type ScaleSize,
  waitlistedEvent,
  waitlistedRegistrations,
} from "../../bench/scale-sql.js";
import { parseConfig } from "../../src/config.js";
import { openNodeDb } from "../../src/runtime/node-deps.js";
import { createTestApp } from "../support/app.js";

/**
 * The scale bench's database is written with bulk SQL, not through the app; these check that
 * the app finds in it what its own writes would have left: the archive index and the
 * registration counts its triggers keep, and seats decided from those counts.
 */
const SIZE: ScaleSize = { events: 300, upcoming: 30, registrations: 6000, attendees: 2500, briefs: 600 };
const NOW = Date.UTC(2026, 11, 5, 12);
let dir: string;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "convene-scale-test-"));
  url = `file:${join(dir, "scale.db")}`;
  await generateScaleDatabase(join(dir, "scale.db"), SIZE, NOW);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the scale bench's generated database", () => {
  it("holds the requested rows, with the counts and archive rows the triggers keep", async () => {
    const figures = await verifyScaleDatabase(url);
    expect(figures).toMatchObject({ events: 300, archiveRows: 300, registrations: 6000, briefs: 600 });
  });

  it("has each event's archive row as the app's own re-index makes it", async () => {
    const client = createClient({ url });
    try {
      const read = async () =>
        (await client.execute("SELECT rowid, * FROM archive_fts ORDER BY rowid")).rows.map((r) =>
          Array.from({ length: r.length }, (_, i) => r[i]),
        );
      const generated = await read();
      // The app's trigger on a title change rebuilds every event's row from its links.
      await client.execute("UPDATE events SET title = title || ''");
      expect(await read()).toEqual(generated);
      // Speakers on every past event (the upcoming ones are the calendar benchmark's, without).
      expect(generated.filter((r) => r[4] !== "").length).toBe(SIZE.events - SIZE.upcoming);
    } finally {
      client.close();
    }
  });

  it("is read and written by the app: a full event waitlists the next registrant behind the generated queue", async () => {
    const { db, close } = await openNodeDb(parseConfig({ DATABASE_URL: url }));
    try {
      const t = await createTestApp({ now: new Date(NOW).toISOString(), deps: { db } });
      const slug = eventSlug(waitlistedEvent(SIZE));
      const event = await t.request("GET", `/api/v1/events/${slug}`);
      expect(event.status).toBe(200);
      const res = await t.request("POST", `/api/v1/events/${slug}/registrations`, {
        body: { name: "Late Reader", email: "new-reader@example.org", consent: true },
      });
      expect(res.status).toBe(202);
      const client = createClient({ url });
      try {
        const row = (
          await client.execute(
            "SELECT r.status, r.waitlist_position FROM registrations r JOIN attendees a ON a.id = r.attendee_id WHERE a.email = 'new-reader@example.org'",
          )
        ).rows[0];
        expect(row?.status).toBe("waitlisted");
        expect(row?.waitlist_position).toBe(waitlistedRegistrations(SIZE) / 2 + 1);
      } finally {
        client.close();
      }
      const search = await t.request("GET", "/api/v1/archive?q=ukraine&limit=5");
      expect(search.status).toBe(200);
      expect(search.body.data.length).toBe(5);
    } finally {
      close();
    }
  });
});
