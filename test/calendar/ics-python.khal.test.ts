import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PYTHON, packages, systemTestsCan } from "../support/system.js";

const golden = join(import.meta.dirname, "../golden");

/**
 * The golden artefacts (feed, single event, REQUEST, updated REQUEST, CANCEL) read by two
 * more independent parsers: Debian's python3-icalendar and khal (installed by .ci/run).
 */
const can = systemTestsCan("the calendar round trips", packages.icalendar, packages.khal);

describe.skipIf(!can)("calendar files in other people's parsers", () => {
  it("python3-icalendar and khal read the same UIDs, sequences and UTC instants as we wrote", () => {
    const files = readdirSync(golden)
      .filter((f) => f.endsWith(".ics"))
      .sort()
      .map((f) => join(golden, f));
    expect(files.length).toBeGreaterThanOrEqual(5);
    const out = execFileSync(PYTHON, [join(import.meta.dirname, "../ics/roundtrip.py"), "--khal", ...files], {
      cwd: join(import.meta.dirname, "../.."),
      encoding: "utf8",
    });
    expect(out).toBe(readFileSync(join(golden, "roundtrip.expected"), "utf8"));
  });
});
