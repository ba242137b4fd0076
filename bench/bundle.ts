/**
 * The Worker as `wrangler deploy` would upload it, built with --dry-run (nothing is deployed),
 * and its gzip size against the budget: Workers allow far more, but start-up time grows with
 * the bundle, so it stays under 450 KiB (issue 14). `npm run bundle` prints one line (exit 1
 * when the build fails or the budget is exceeded; `.ci/run` runs it); the bench's report
 * includes the same figures.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export const BUNDLE_LIMIT_KIB = 450;

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
  limitKiB: number;
  within: boolean;
}

export function measureBundle(): BundleSize {
  const out = mkdtempSync(join(tmpdir(), "convene-bundle-"));
  try {
    execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", out], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    const code = readFileSync(join(out, "worker.js"));
    const gzipBytes = gzipSync(code).length;
    return {
      bytes: code.length,
      gzipBytes,
      limitKiB: BUNDLE_LIMIT_KIB,
      within: gzipBytes <= BUNDLE_LIMIT_KIB * 1024,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export const bundleLine = (s: BundleSize) =>
  `worker bundle (wrangler deploy --dry-run): ${(s.bytes / 1024).toFixed(1)} KiB, gzip ${(s.gzipBytes / 1024).toFixed(1)} KiB (limit ${s.limitKiB} KiB)${s.within ? "" : " - OVER THE LIMIT"}`;

if (process.argv[1]?.endsWith("bundle.ts")) {
  try {
    const size = measureBundle();
    console.log(bundleLine(size));
    process.exit(size.within ? 0 : 1);
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    process.stderr.write(`wrangler deploy --dry-run failed:\n${e.stderr?.toString() ?? e.message}\n`);
    process.exit(1);
  }
}
