import { describe, expect, it } from "vitest";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

describe(`event times through the API (${engine})`, () => {
  it("answers a start in the New York spring-forward gap with a 422 that says so, and stores nothing", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const res = await t.request("POST", "/api/v1/events", {
      key,
      body: { title: "Gap", startsAt: "2026-03-08T02:30", timeZone: "America/New_York" },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(res.body.type).toBe("/problems/nonexistent-local-time");
    expect(res.body.errors[0].field).toBe("startsAt");
    expect((await t.request("GET", "/api/v1/events?status=draft", { key })).body.data).toEqual([]);
  });

  it("answers an ambiguous Kyiv fall-back time with a 422, and takes it once an offset is given", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const body = { title: "Overlap", startsAt: "2026-10-25T03:30", timeZone: "Europe/Kyiv" };
    const refused = await t.request("POST", "/api/v1/events", { key, body });
    expect(refused.status).toBe(422);
    expect(refused.body.type).toBe("/problems/ambiguous-local-time");
    const ok = await t.request("POST", "/api/v1/events", {
      key,
      body: { ...body, startsAt: "2026-10-25T03:30+02:00" },
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      startsAt: "2026-10-25T01:30:00Z",
      local: { startsAt: "2026-10-25T03:30:00", utcOffset: "+02:00" },
    });
  });

  it("keeps an event that crosses the DST change at its true length", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    // 23:00 EST to 04:00 EDT is four hours of real time, though the wall clock shows five.
    const e = await makeEvent(t, key, {
      startsAt: "2026-03-07T23:00",
      endsAt: "2026-03-08T04:00",
      durationMinutes: undefined,
    });
    expect(e).toMatchObject({
      startsAt: "2026-03-08T04:00:00Z",
      endsAt: "2026-03-08T08:00:00Z",
      durationMinutes: 240,
      local: { startsAt: "2026-03-07T23:00:00", endsAt: "2026-03-08T04:00:00", utcOffset: "-05:00" },
    });
  });

  it("reads times in a half-hour zone", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { startsAt: "2026-04-16T18:30", timeZone: "Asia/Kolkata" });
    expect(e).toMatchObject({ startsAt: "2026-04-16T13:00:00Z", local: { utcOffset: "+05:30" } });
  });

  it("reschedules across the November change keeping the wall time and the duration", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key, { startsAt: "2026-10-30T12:00" });
    expect(e.startsAt).toBe("2026-10-30T16:00:00Z");
    const moved = await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2026-11-06T12:00" },
    });
    expect(moved.body).toMatchObject({
      startsAt: "2026-11-06T17:00:00Z",
      endsAt: "2026-11-06T18:00:00Z",
      local: { utcOffset: "-05:00" },
    });
    const gap = await t.request("POST", `/api/v1/events/${e.slug}/reschedule`, {
      key,
      body: { startsAt: "2027-03-14T02:15" },
    });
    expect(gap.status).toBe(422);
    expect((await t.request("GET", `/api/v1/events/${e.slug}`)).body.startsAt).toBe("2026-11-06T17:00:00Z");
  });

  it("refuses inconsistent schedules by field", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const base = { title: "Bad", startsAt: "2026-04-16T12:00", timeZone: "America/New_York" };
    const cases: [object, string][] = [
      [{ ...base, endsAt: "2026-04-16T11:00" }, "endsAt"],
      [{ ...base, endsAt: "2026-04-16T13:00", durationMinutes: 60 }, "durationMinutes"],
      [{ ...base, timeZone: "Mars/Olympus_Mons" }, "timeZone"],
      [
        { ...base, registrationOpensAt: "2026-04-10T12:00", registrationClosesAt: "2026-04-01T12:00" },
        "registrationClosesAt",
      ],
      [{ ...base, registrationClosesAt: "2026-04-17T12:00" }, "registrationClosesAt"],
      [{ ...base, capacity: 0 }, "capacity"],
      [{ ...base, format: "telepathic" }, "format"],
      [{ ...base, joinUrl: "javascript:alert(1)" }, "joinUrl"],
      [{ ...base, colour: "red" }, "colour"],
      [{ ...base, title: "" }, "title"],
    ];
    for (const [body, field] of cases) {
      const res = await t.request("POST", "/api/v1/events", { key, body });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect((await t.request("GET", "/api/v1/events?when=all&status=draft", { key })).body.data).toEqual([]);
  });

  it("points a PATCH of times to the reschedule action", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const e = await makeEvent(t, key);
    const res = await t.request("PATCH", `/api/v1/events/${e.slug}`, {
      key,
      body: { startsAt: "2026-05-01T12:00" },
    });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ field: "startsAt" });
    expect(res.body.errors[0].message).toContain("reschedule");
  });

  it("answers malformed JSON with 400 and a non-JSON body with 415, both problem+json", async () => {
    const t = await createTestApp();
    const key = await t.key(["events:write"]);
    const bad = await t.request("POST", "/api/v1/events", { key, body: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toBe("application/problem+json");
    const form = await t.request("POST", "/api/v1/events", {
      key,
      body: "title=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
  });
});

describe(`listing events by time (${engine})`, () => {
  it("splits upcoming (soonest first) from past (latest first) by the clock", async () => {
    const t = await createTestApp({ now: "2026-06-01T12:00:00Z" });
    const key = await t.key(["events:write"]);
    for (const [title, startsAt] of [
      ["Past one", "2026-01-10T12:00"],
      ["Past two", "2026-05-10T12:00"],
      ["Soon", "2026-06-10T12:00"],
      ["Later", "2026-09-10T12:00"],
    ]) {
      await makeEvent(t, key, { title, startsAt });
    }
    const slugs = async (q: string) =>
      (await t.request("GET", `/api/v1/events?${q}`)).body.data.map((e: { slug: string }) => e.slug);
    expect(await slugs("when=upcoming")).toEqual(["soon", "later"]);
    expect(await slugs("when=past")).toEqual(["past-two", "past-one"]);
    t.clock.set("2026-07-01T00:00:00Z");
    expect(await slugs("when=upcoming")).toEqual(["later"]);
  });

  it("pages with a cursor that stays stable when events are added between pages", async () => {
    const t = await createTestApp({ now: "2026-01-01T00:00:00Z" });
    const key = await t.key(["events:write"]);
    for (let d = 10; d < 17; d++)
      await makeEvent(t, key, { title: `Day ${d}`, startsAt: `2026-02-${d}T12:00` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { body: { data: { slug: string }[]; nextCursor: string | null } } = await t.request(
        "GET",
        `/api/v1/events?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...res.body.data.map((e) => e.slug));
      cursor = res.body.nextCursor;
      // An event earlier than the cursor and one later appear while we page.
      if (pages === 0) {
        await makeEvent(t, key, { title: "Inserted early", startsAt: "2026-02-09T12:00" });
        await makeEvent(t, key, { title: "Inserted late", startsAt: "2026-02-20T12:00" });
      }
      pages++;
    } while (cursor);
    expect(seen).toEqual([
      "day-10",
      "day-11",
      "day-12",
      "day-13",
      "day-14",
      "day-15",
      "day-16",
      "inserted-late",
    ]);
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await t.request("GET", "/api/v1/events?cursor=garbage");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("cursor");
  });
});
