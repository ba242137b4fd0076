import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The SQLite file behind `wrangler dev`'s local D1 (binding DB), under `persistTo` (wrangler's
 * --persist-to, default .wrangler/state) — the newest one, if several databases were made.
 * Null when `wrangler d1 migrations apply DB --local` has not run yet.
 */
export function localD1File(persistTo = ".wrangler/state"): string | null {
  const dir = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  if (!existsSync(dir)) return null;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sqlite"))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] ?? null;
}

/** `--persist-to DIR` (or `--persist-to=DIR`) among command-line arguments, if given. */
export function persistToArg(args: string[]): string | undefined {
  const i = args.findIndex((a) => a === "--persist-to" || a.startsWith("--persist-to="));
  if (i < 0) return undefined;
  return args[i]!.includes("=") ? args[i]!.split("=")[1] : args[i + 1];
}
