import { describe, expect, it } from "vitest";
import { csvCell, csvLine, parseCsv } from "../../src/features/registrations/csv.js";

describe("CSV cells", () => {
  it("defuses cells a spreadsheet would run as a formula, fullwidth forms included", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"]) {
      const cell = `${start}SUM(A1:A9)`;
      expect(parseCsv(csvLine([cell]))[0]).toEqual([`'${cell}`]);
    }
    expect(csvCell("Smith")).toBe("Smith");
    expect(csvCell(-3)).toBe("-3");
  });

  it("quotes commas, quotes and line breaks, a bare LF too", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("one\ntwo")).toBe('"one\ntwo"');
    expect(csvCell("one\rtwo")).toBe('"one\rtwo"');
    expect(csvLine(["x", null, undefined, true])).toBe("x,,,true\r\n");
  });
});
