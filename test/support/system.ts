import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * System packages a few tests need (named for them: x.chromium.test.ts, x.khal.test.ts). The
 * README's `npm test` passes on a machine with Node alone: a missing package prints one line
 * naming it and how to install it, and its tests are skipped (counted as skipped). With
 * REQUIRE_SYSTEM_TESTS=1, which .ci/run sets after installing them, a missing one is a failure.
 * The CONVENE_* variables point elsewhere (a fresh-machine check hides the packages with them).
 */
export const CHROMIUM = process.env.CONVENE_CHROMIUM ?? "/usr/bin/chromium";
export const PYTHON = process.env.CONVENE_PYTHON ?? "/usr/bin/python3";
const KHAL = process.env.CONVENE_KHAL ?? "khal";

interface SystemPackage {
  name: string;
  install: string;
  present: () => boolean;
}

const runs = (file: string, args: string[]) => {
  try {
    execFileSync(file, args, { stdio: "ignore", timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
};

export const packages = {
  chromium: {
    name: "chromium",
    install: "sudo apt-get install -y chromium",
    present: () => existsSync(CHROMIUM),
  },
  icalendar: {
    name: "python3-icalendar",
    install: "sudo apt-get install -y python3-icalendar",
    present: () => runs(PYTHON, ["-c", "import icalendar"]),
  },
  khal: { name: "khal", install: "sudo apt-get install -y khal", present: () => runs(KHAL, ["--version"]) },
} satisfies Record<string, SystemPackage>;

/** Whether the tests needing these packages can run here (see above for what happens if not). */
export function systemTestsCan(what: string, ...needed: SystemPackage[]): boolean {
  const missing = needed.filter((p) => !p.present());
  if (missing.length === 0) return true;
  const line = `skipped ${what}: needs ${missing.map((p) => p.name).join(" and ")} (${missing.map((p) => p.install).join("; ")})`;
  if (process.env.REQUIRE_SYSTEM_TESTS === "1") throw new Error(`REQUIRE_SYSTEM_TESTS=1, but ${line}`);
  console.warn(line);
  return false;
}
