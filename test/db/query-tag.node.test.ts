import { describe, expect, it } from "vitest";
import { q } from "../../src/db/batch.js";

const byEmail = (email: string, now: number) =>
  q`SELECT id FROM attendees WHERE email = ${email} AND created_at < ${now}`;

describe("q``, statements with a fixed text", () => {
  it("puts every value in the parameters, in order, and a ? in the text", () => {
    expect(byEmail("a@example.org", 5)).toEqual({
      sql: "SELECT id FROM attendees WHERE email = ? AND created_at < ?",
      params: ["a@example.org", 5],
    });
  });

  it("keeps SQL in a value a value: it never becomes part of the text", () => {
    const evil = "x' OR 1=1 --";
    const query = byEmail(evil, 1);
    expect(query.sql).not.toContain(evil);
    expect(query.params[0]).toBe(evil);
  });

  it("builds the text once per call site and reuses it", () => {
    expect(byEmail("a@example.org", 1).sql).toBe(byEmail("b@example.org", 2).sql);
    const texts = new Set([1, 2].map((n) => q`SELECT ${n}`.sql));
    expect(texts.size).toBe(1);
  });
});
