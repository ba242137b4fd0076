import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = join(import.meta.dirname, "../..");
const copies: string[] = [];

/** A copy of src/ with the module rules, where a test may plant a violation. */
function copyOfSources(): string {
  const dir = mkdtempSync(join(tmpdir(), "convene-modules-"));
  copies.push(dir);
  cpSync(join(root, "src"), join(dir, "src"), { recursive: true });
  for (const f of ["tsconfig.json", ".dependency-cruiser.cjs", "package.json"])
    cpSync(join(root, f), join(dir, f));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function plant(dir: string, file: string, line: string) {
  const path = join(dir, file);
  writeFileSync(path, `${line}\n${readFileSync(path, "utf8")}`);
}

/** Runs the module half of `npm run lint` in `dir`; resolves with its exit code and output. */
async function lintModules(dir: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(
      process.execPath,
      [join(root, "node_modules/.bin/depcruise"), "src", "--config", ".dependency-cruiser.cjs"],
      { cwd: dir },
    );
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, out: e.stdout };
  }
}

afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the module rules in npm run lint", () => {
  it("pass on the sources as they are", async () => {
    const { code, out } = await lintModules(copyOfSources());
    expect(out).toContain("no dependency violations found");
    expect(code).toBe(0);
  });

  it("fail when a feature reaches into another feature's files", async () => {
    const dir = copyOfSources();
    plant(dir, "src/features/pages/routes.tsx", 'import "../registrations/engine.js";');
    const { code, out } = await lintModules(dir);
    expect(code).not.toBe(0);
    expect(out).toContain("feature-entry-only");
  });

  it("fail when features import each other in a cycle", async () => {
    const dir = copyOfSources();
    // topics sits below events and the programme; importing the programme closes a loop.
    plant(dir, "src/features/topics/service.ts", 'import "../programme/index.js";');
    const { code, out } = await lintModules(dir);
    expect(code).not.toBe(0);
    expect(out).toContain("no-cycles");
  });

  it("fail when a shared layer imports a feature", async () => {
    const dir = copyOfSources();
    plant(dir, "src/lib/slug.ts", 'import "../features/events/index.js";');
    const { code, out } = await lintModules(dir);
    expect(code).not.toBe(0);
    expect(out).toContain("shared-layers-import-no-feature");
  });

  it("fail when the Worker would reach a node:* module", async () => {
    const dir = copyOfSources();
    plant(dir, "src/lib/slug.ts", 'import "node:fs";');
    const { code, out } = await lintModules(dir);
    expect(code).not.toBe(0);
    expect(out).toContain("worker-reaches-no-node-builtin");
  });
});
