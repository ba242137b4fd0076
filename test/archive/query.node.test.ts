import { createClient } from "@libsql/client";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeSearchCursor, encodeSearchCursor } from "../../src/features/archive/search/cursor.js";
import { MAX_TERMS, searchTerms, toMatchQuery } from "../../src/features/archive/search/query.js";
import { snippetSegments } from "../../src/features/archive/search/search.js";

describe("the archive's MATCH builder", () => {
  it("quotes every term, ANDs them and makes the last one a prefix", () => {
    expect(toMatchQuery("ukr")).toBe('"ukr"*');
    expect(toMatchQuery("Ukraine peace talks")).toBe('"Ukraine" "peace" "talks"*');
    expect(toMatchQuery("  Київ  ")).toBe('"Київ"*');
    expect(toMatchQuery("Zürich")).toBe('"Zürich"*');
  });

  it("treats every dash and punctuation as a separator, U+2011 included", () => {
    expect(toMatchQuery("Ukraine\u2011Russia")).toBe('"Ukraine" "Russia"*');
    expect(toMatchQuery("Ukraine-Russia")).toBe('"Ukraine" "Russia"*');
    expect(toMatchQuery("Ukraine\u2013Russia")).toBe('"Ukraine" "Russia"*');
    expect(toMatchQuery("Ukraine's choice")).toBe('"Ukraine" "s" "choice"*');
  });

  it("turns FTS5 syntax into plain words or nothing", () => {
    const none = ['"', "*", "-", "^", "(", ")", "", "   ", "\t\n", ":", '""', "+", "{}", "\u2011", "🙂"];
    for (const q of none) expect(toMatchQuery(q), JSON.stringify(q)).toBeNull();
    expect(toMatchQuery(undefined)).toBeNull();
    expect(toMatchQuery("NEAR(")).toBe('"NEAR"*');
    expect(toMatchQuery("NEAR(a b, 10)")).toBe('"NEAR" "a" "b" "10"*');
    expect(toMatchQuery("AND OR")).toBe('"AND" "OR"*');
    expect(toMatchQuery("NOT")).toBe('"NOT"*');
    expect(toMatchQuery("title:kyiv")).toBe('"title" "kyiv"*');
    expect(toMatchQuery("a*")).toBe('"a"');
    expect(toMatchQuery('say "hi"')).toBe('"say" "hi"*');
  });

  it("keeps a one-character last term exact and limits the number of terms", () => {
    expect(toMatchQuery("world war 2")).toBe('"world" "war" "2"');
    const many = Array.from({ length: 40 }, (_, i) => `w${i}`).join(" ");
    expect(searchTerms(many)).toHaveLength(MAX_TERMS);
  });

  it("keeps combining marks inside their word", () => {
    expect(toMatchQuery("Zu\u0308rich")).toBe('"Zürich"*');
  });

  describe("against a real FTS5 table", () => {
    const db = createClient({ url: ":memory:" });
    beforeAll(async () => {
      await db.execute(
        "CREATE VIRTUAL TABLE f USING fts5(a, b, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
      );
      await db.execute("INSERT INTO f VALUES ('Ukraine\u2011Russia talks in Київ', 'Zürich NEAR AND OR')");
    });
    afterAll(() => db.close());

    it("never produces a MATCH string FTS5 rejects, whatever the input", async () => {
      const alphabet = fc.constantFrom(
        ..."\"*()-^:+{}[],.;'\\ \u2011\u00a0NEARORANDNOTaéКиїв0😀\u0000\u0301".split(""),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(fc.string({ unit: alphabet, maxLength: 30 }), fc.string({ maxLength: 30 })),
          async (q) => {
            const match = toMatchQuery(q);
            if (match !== null)
              await db.execute({ sql: "SELECT count(*) FROM f WHERE f MATCH ?", args: [match] });
          },
        ),
        { numRuns: 300 },
      );
    });

    it("finds what a reader means", async () => {
      const hits = async (q: string) =>
        Number(
          (await db.execute({ sql: "SELECT count(*) AS n FROM f WHERE f MATCH ?", args: [toMatchQuery(q)!] }))
            .rows[0]!.n,
        );
      for (const q of ["ukr", "ukraine russia", "Ukraine-Russia", "КИЇВ", "zurich", "near", "and or"]) {
        expect(await hits(q), q).toBe(1);
      }
      expect(await hits("kyiv")).toBe(0);
    });
  });
});

describe("archive search cursors and snippets", () => {
  it("round-trips ranked and dated cursors and refuses the wrong kind or garbage", () => {
    const r = encodeSearchCursor({ kind: "ranked", score: -3.141592653589793e-7, id: "evt_a" });
    expect(decodeSearchCursor(r, true)).toEqual({
      kind: "ranked",
      score: -3.141592653589793e-7,
      id: "evt_a",
    });
    const d = encodeSearchCursor({ kind: "date", at: 1_760_000_000_000, id: "evt_b" });
    expect(decodeSearchCursor(d, false)).toEqual({ kind: "date", at: 1_760_000_000_000, id: "evt_b" });
    for (const [raw, ranked] of [
      [r, false],
      [d, true],
      ["", false],
      ["!!!", true],
      [btoa("[1,2]"), false],
    ] as const) {
      expect(() => decodeSearchCursor(raw, ranked)).toThrowError(/cursor/);
    }
  });

  it("splits a snippet into plain and matched segments", () => {
    expect(snippetSegments("…on \u0002Ukraine\u0003 and \u0002Kyiv\u0003")).toEqual([
      { text: "…on ", match: false },
      { text: "Ukraine", match: true },
      { text: " and ", match: false },
      { text: "Kyiv", match: true },
    ]);
    expect(snippetSegments("no match")).toEqual([{ text: "no match", match: false }]);
  });
});
