import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sqlAll } from "../../src/db/batch.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";

/** Slugs of events whose index row matches an FTS5 query, best first. */
async function search(t: Awaited<ReturnType<typeof createTestApp>>, match: string) {
  const rows = await sqlAll<{ slug: string }>(
    t.db,
    sql`SELECT e.slug FROM archive_fts JOIN events e ON e.rowid = archive_fts.rowid
        WHERE archive_fts MATCH ${match} ORDER BY bm25(archive_fts)`,
  );
  return rows.map((r) => r.slug);
}

describe(`the archive's full-text index follows every write (${engine})`, () => {
  it("indexes titles, speakers, briefs and topics as they are linked, renamed and removed", async () => {
    const t = await createTestApp();
    const key = await t.key(["admin"]);
    await t.request("POST", "/api/v1/people", { key, body: { name: "Rajan Menon" } });
    await t.request("POST", "/api/v1/topics", { key, body: { name: "Ukraine‑Russia" } });
    await t.request("POST", "/api/v1/briefs", {
      key,
      body: { title: "Armed neutrality for Kyiv", kind: "op-ed" },
    });
    const e = await makeEvent(t, key, {
      title: "Київ and the peace talks",
      speakers: [{ person: "rajan-menon" }],
      topics: ["ukraine-russia"],
      briefs: [{ brief: "armed-neutrality-for-kyiv" }],
    });
    expect(await search(t, "київ")).toEqual([e.slug]);
    expect(await search(t, "КИЇВ")).toEqual([e.slug]);
    expect(await search(t, "menon")).toEqual([e.slug]);
    expect(await search(t, "neutral*")).toEqual([e.slug]);
    expect(await search(t, "russia")).toEqual([e.slug]);

    await t.request("PATCH", "/api/v1/people/rajan-menon", { key, body: { name: "R. Menon-Smith" } });
    expect(await search(t, "smith")).toEqual([e.slug]);
    await t.request("PATCH", `/api/v1/events/${e.slug}`, {
      key,
      body: { speakers: [], title: "Peace talks" },
    });
    expect(await search(t, "smith")).toEqual([]);
    expect(await search(t, "київ")).toEqual([]);
    const draft = await makeEvent(t, key, { title: "Short-lived draft" }, { publish: false });
    expect(await search(t, "draft")).toEqual([draft.slug]);
    await t.request("DELETE", `/api/v1/events/${draft.slug}`, { key });
    expect(await search(t, "draft")).toEqual([]);
  });
});
