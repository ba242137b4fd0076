import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const copies: string[] = [];

/** A copy of src/ where a test may plant SQL naming another feature's table. */
function copyOfSources(): string {
  const dir = mkdtempSync(join(tmpdir(), "convene-owners-"));
  copies.push(dir);
  cpSync(join(root, "src"), join(dir, "src"), { recursive: true });
  return dir;
}

function append(dir: string, file: string, code: string) {
  const path = join(dir, file);
  writeFileSync(path, `${readFileSync(path, "utf8")}\n${code}\n`);
}

/** The ownership half of `npm run lint`, on `dir`'s sources. */
async function checkOwners(dir: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [join(root, "scripts/table-owners.mjs"), "--check", "src"],
      {
        cwd: dir,
      },
    );
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("table ownership in npm run lint", () => {
  it("passes on the sources as they are: every table is named only by its owner", async () => {
    const { code, out } = await checkOwners(copyOfSources());
    expect(out).toContain("every table is named only by its owner");
    expect(code).toBe(0);
  });

  it("fails when a feature writes another feature's table", async () => {
    const dir = copyOfSources();
    append(
      dir,
      "src/features/reminders/fanout.ts",
      "export const planted = sql`INSERT INTO outbox (id) VALUES ('x')`;",
    );
    const { code, out } = await checkOwners(dir);
    expect(code).not.toBe(0);
    expect(out).toContain("features/reminders/fanout.ts writes outbox, owned by outbox");
  });

  it("fails when a feature reads another feature's table", async () => {
    const dir = copyOfSources();
    append(dir, "src/features/calendar/ics.ts", 'export const planted = "SELECT email FROM attendees";');
    const { code, out } = await checkOwners(dir);
    expect(code).not.toBe(0);
    expect(out).toContain("features/calendar/ics.ts reads attendees, owned by registrations");
  });

  it("fails when a feature imports another feature's drizzle table", async () => {
    const dir = copyOfSources();
    const file = join(dir, "src/features/archive/search/cache.ts");
    writeFileSync(
      file,
      `import { events } from "../../../db/schema.js";\nexport const planted = () => events.id;\n${readFileSync(file, "utf8")}`,
    );
    const { code, out } = await checkOwners(dir);
    expect(code).not.toBe(0);
    expect(out).toContain("features/archive/search/cache.ts reads events, owned by events");
  });
});
