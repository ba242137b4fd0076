import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/features/registrations/csv.js";
import { registrationsCsv } from "../../src/features/registrations/staff-export.js";
import { engine } from "../support/app.js";
import { registerFor } from "../support/registrations.js";
import { csvOf, list, registerAll, setup } from "../support/staff-registrations.js";

describe(`staff list of registrations (${engine})`, () => {
  it("shows staff each registrant's email, answers, status and queue place", async () => {
    const { t, admin, e } = await setup(1);
    await registerAll(t, e.slug, [
      {
        name: "Ada Lovelace",
        email: " ADA@example.org ",
        answers: { affiliation: "Analytical Engines", updates: true },
      },
      { name: "Bob", email: "bob@example.org" },
      { name: "Cleo", email: "cleo@example.org" },
    ]);
    const res = await list(t, e.slug, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body.nextCursor).toBeNull();
    expect(res.body.data).toHaveLength(3);
    expect(res.body.data[0]).toEqual({
      id: expect.stringMatching(/^reg_/),
      name: "Ada Lovelace",
      email: "ada@example.org",
      status: "confirmed",
      position: null,
      answers: { affiliation: "Analytical Engines", updates: true },
      createdAt: "2026-01-15T12:00:00Z",
      confirmedAt: "2026-01-15T12:00:00Z",
      cancelledAt: null,
      attendedAt: null,
      remindersOptOut: false,
      newsletter: null,
    });
    expect(res.body.data.map((r: any) => [r.email, r.status, r.position])).toEqual([
      ["ada@example.org", "confirmed", null],
      ["bob@example.org", "waitlisted", 1],
      ["cleo@example.org", "waitlisted", 2],
    ]);
  });

  it("filters by status, attendance and a search in name or email in any case", async () => {
    const { t, admin, e } = await setup(2);
    await registerAll(t, e.slug, [
      { name: "Олена Київська", email: "olena@example.ua" },
      { name: "Sean O'Brien", email: "sean@example.ie" },
      { name: "Maria Obregón", email: "MARIA@Example.org" },
      { name: "Zed", email: "zed@obrien.example" },
    ]);
    const emails = async (query: string) =>
      (await list(t, e.slug, admin, query)).body.data.map((r: any) => r.email);
    expect(await emails("?status=waitlisted")).toEqual(["maria@example.org", "zed@obrien.example"]);
    expect(await emails("?status=confirmed")).toEqual(["olena@example.ua", "sean@example.ie"]);
    expect(await emails("?q=O'BRIEN")).toEqual(["sean@example.ie"]);
    expect(await emails("?q=obrien")).toEqual(["zed@obrien.example"]);
    expect(await emails("?q=OBRE")).toEqual(["maria@example.org"]);
    expect(await emails(`?q=${encodeURIComponent("київ")}`)).toEqual(["olena@example.ua"]);
    expect(await emails(`?q=${encodeURIComponent("КИЇВ")}`)).toEqual(["olena@example.ua"]);
    expect(await emails("?q=example.org&status=waitlisted")).toEqual(["maria@example.org"]);
    expect(await emails("?q=%25")).toEqual([]); // no LIKE wildcards
    expect(await emails("?attended=true")).toEqual([]);
    expect(await emails("?attended=false")).toHaveLength(4);
    const bad = await list(t, e.slug, admin, "?status=maybe&attended=yes");
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((x: any) => x.field).sort()).toEqual(["attended", "status"]);
  });

  it("pages by keyset without repeats or gaps, even when rows arrive between pages", async () => {
    const { t, admin, e } = await setup(100);
    for (let i = 0; i < 5; i++) {
      await registerFor(t, e.slug, { email: `page${i}@example.org` });
      t.clock.advance(i % 2 ? 1000 : 0); // some share a created_at: the id breaks the tie
    }
    const seen: string[] = [];
    let cursor: string | null = "";
    let pages = 0;
    while (cursor !== null) {
      const res = await list(t, e.slug, admin, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.data.map((r: any) => r.email));
      cursor = res.body.nextCursor;
      if (pages++ === 0) {
        t.clock.advance(60_000);
        await registerFor(t, e.slug, { email: "late@example.org" });
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 5).sort()).toEqual(Array.from({ length: 5 }, (_, i) => `page${i}@example.org`));
    expect(seen.at(-1)).toBe("late@example.org");
    expect(seen.indexOf("page4@example.org")).toBe(4);
    const bad = await list(t, e.slug, admin, "?cursor=not-a-cursor");
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("cursor");
  });

  it("answers 404 for an unknown event and needs the registrations:read scope", async () => {
    const { t, e } = await setup();
    await registerFor(t, e.slug, { email: "private@example.org", answers: { affiliation: "Secret" } });
    const reader = await t.key(["registrations:read"]);
    const eventsOnly = await t.key(["events:read", "events:write"]);
    expect((await list(t, "no-such-event", reader)).status).toBe(404);
    expect((await t.request("GET", `/api/v1/events/${e.slug}/registrations`)).status).toBe(401);
    expect((await list(t, e.slug, eventsOnly)).status).toBe(403);
    expect((await csvOf(t, e.slug, eventsOnly)).status).toBe(403);
    expect((await list(t, e.slug, reader)).body.data[0].email).toBe("private@example.org");
  });

  it("never shows emails or answers on the public API (invariant 7)", async () => {
    const { t, e } = await setup(1);
    await registerFor(t, e.slug, { email: "first@example.org", answers: { affiliation: "Secret Org" } });
    const again = await registerFor(t, e.slug, { email: "second@example.org" });
    const bodies = [
      again.text,
      (await t.request("GET", `/api/v1/events/${e.slug}`)).text,
      (await t.request("GET", "/api/v1/events")).text,
      (await registerFor(t, e.slug, { email: "first@example.org" })).text,
      (await t.request("GET", `/api/v1/events/${e.slug}/registrations`)).text,
      (await t.request("GET", `/api/v1/events/${e.slug}/registrations`, { headers: { accept: "text/csv" } }))
        .text,
    ];
    for (const text of bodies) {
      expect(text).not.toContain("first@example.org");
      expect(text).not.toContain("Secret Org");
    }
  });
});

describe(`CSV export of registrations (${engine})`, () => {
  it("writes RFC 4180 CSV with one column per question that parses back to the same values", async () => {
    const { t, admin, e } = await setup(2);
    const people = [
      { name: `O'Brien, "Jr"`, email: "obrien@example.org", answers: { affiliation: "Київ, Україна" } },
      {
        name: "Ліна Київ",
        email: "lina@example.ua",
        answers: { question: 'Two lines:\r\nfirst, and "second"\nthird', updates: true },
      },
      {
        name: '=HYPERLINK("http://evil.example")',
        email: "evil@example.org",
        answers: { affiliation: "+1 555" },
      },
      { name: "@SUM(A1)", email: "at@example.org", answers: { affiliation: "-2+3", question: "=1+1" } },
    ];
    await registerAll(t, e.slug, people);
    const res = await csvOf(t, e.slug, admin);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(res.headers.get("content-disposition")).toBe(
      `attachment; filename="registrations-${e.slug}.csv"; filename*=UTF-8''registrations-${e.slug}.csv`,
    );
    // A UTF-8 byte order mark first (Response.text() drops it, so look at the bytes).
    const raw = await t.app.request(`/api/v1/events/${e.slug}/registrations`, {
      headers: { accept: "text/csv", authorization: `Bearer ${admin}` },
    });
    const bytes = new Uint8Array(await raw.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toBe(`\uFEFF${res.text}`);
    expect(res.text.endsWith("\r\n")).toBe(true);
    // Every line break outside quotes is CRLF.
    expect(
      res.text
        .replace(/"(?:[^"]|"")*"/g, "")
        .match(/\r?\n|\r/g)!
        .every((b) => b === "\r\n"),
    ).toBe(true);

    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([
      "Registration ID",
      "Name",
      "Email",
      "Status",
      "Waitlist position",
      "Registered at",
      "Confirmed at",
      "Cancelled at",
      "Attended at",
      "Reminders opt-out",
      "Newsletter",
      "Newsletter changed at",
      "Newsletter source",
      "Affiliation",
      "Your question, for the panel",
      "Send me updates",
    ]);
    expect(rows).toHaveLength(5);
    const byEmail = new Map(rows.slice(1).map((r) => [r[2], r]));
    expect(byEmail.get("obrien@example.org")!.slice(1, 5)).toEqual([
      `O'Brien, "Jr"`,
      "obrien@example.org",
      "confirmed",
      "",
    ]);
    expect(byEmail.get("obrien@example.org")![13]).toBe("Київ, Україна");
    expect(byEmail.get("lina@example.ua")!.slice(13)).toEqual([
      "",
      'Two lines:\r\nfirst, and "second"\nthird',
      "yes",
    ]);
    expect(byEmail.get("lina@example.ua")![1]).toBe("Ліна Київ");
    // Formula injection: what a spreadsheet would execute starts with a quote instead.
    expect(byEmail.get("evil@example.org")![1]).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(byEmail.get("evil@example.org")![13]).toBe("'+1 555");
    expect(byEmail.get("at@example.org")![1]).toBe("'@SUM(A1)");
    expect(byEmail.get("at@example.org")!.slice(3, 5)).toEqual(["waitlisted", "2"]);
    expect(byEmail.get("at@example.org")!.slice(13, 16)).toEqual(["'-2+3", "'=1+1", "no"]);
    expect(byEmail.get("evil@example.org")![4]).toBe("1");
    // The quoting itself, as bytes.
    expect(res.text).toContain(`"O'Brien, ""Jr"""`);
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"")"`);
  });

  it("applies the filters, ignores paging, and names the file after the slug", async () => {
    const { t, admin, e } = await setup(1);
    await registerAll(
      t,
      e.slug,
      [0, 1, 2, 3].map((i) => ({ email: `c${i}@example.org` })),
    );
    const reader = await t.key(["registrations:read"]);
    const all = parseCsv((await csvOf(t, e.slug, reader, "?limit=1")).text);
    expect(all).toHaveLength(5);
    const waitlisted = parseCsv((await csvOf(t, e.slug, reader, "?status=waitlisted&limit=1")).text);
    expect(waitlisted.slice(1).map((r) => [r[2], r[4]])).toEqual([
      ["c1@example.org", "1"],
      ["c2@example.org", "2"],
      ["c3@example.org", "3"],
    ]);
    const none = parseCsv((await csvOf(t, e.slug, admin, "?q=nobody")).text);
    expect(none).toHaveLength(1);
    // JSON stays the default, also for */* and when JSON is preferred.
    const json = await t.request("GET", `/api/v1/events/${e.slug}/registrations`, {
      key: admin,
      headers: { accept: "application/json;q=1, text/csv;q=0.5" },
    });
    expect(json.headers.get("content-type")).toContain("application/json");
  });

  it("streams from the database in keyset chunks rather than loading every row", async () => {
    const { t, e } = await setup(100);
    await registerAll(
      t,
      e.slug,
      Array.from({ length: 7 }, (_, i) => ({ email: `s${i}@example.org` })),
    );
    const event = { id: e.id as string, questions: [] };
    const reader = registrationsCsv(t.db, event, {}, { chunk: 3 }).getReader();
    const decoder = new TextDecoder();
    const chunks: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(decoder.decode(value));
    }
    // header, 3 + 3 + 1 rows
    expect(chunks.map((c) => parseCsv(c).length)).toEqual([1, 3, 3, 1]);
    const emails = parseCsv(chunks.join(""))
      .slice(1)
      .map((r) => r[2]);
    expect(emails).toEqual(Array.from({ length: 7 }, (_, i) => `s${i}@example.org`));
  });
});
