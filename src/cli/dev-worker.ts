/**
 * `npm run dev:worker [-- wrangler dev options]`: the Worker locally, complete.
 *   1. applies migrations/ to the local D1 (one line, unless it fails);
 *   2. starts a local mail sink in the provider's format (mail-sink.ts), so every email lands
 *      in MAIL_DIR (./data/mail) as an .eml file, as with `npm start`;
 *   3. runs `wrangler dev --test-scheduled` with the sink as EMAIL_API_URL, and fires the cron
 *      (GET /__scheduled) every minute, as Cloudflare would.
 * Options after `--` go to wrangler dev (`--port 8788`, `--persist-to DIR`).
 */
import { spawn, spawnSync } from "node:child_process";
import { persistToArg } from "./local-d1.js";
import { startMailSink } from "./mail-sink.js";

const args = process.argv.slice(2);
const persistTo = persistToArg(args);
const persist = persistTo ? ["--persist-to", persistTo] : [];
const wrangler = (list: string[], capture: boolean) =>
  spawnSync("npx", ["wrangler", ...list], {
    stdio: capture ? "pipe" : "inherit",
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });

const migrated = wrangler(["d1", "migrations", "apply", "DB", "--local", ...persist], true);
if (migrated.status !== 0) {
  process.stderr.write(`${migrated.stdout}${migrated.stderr}`);
  process.exit(migrated.status ?? 1);
}
// wrangler prints a table of what it applied (and none when nothing was pending).
const applied = new Set(migrated.stdout.match(/\d{4}_[\w-]+\.sql(?=\s*│\s*✅)/g) ?? []).size;
console.log(`Local D1: ${applied ? `${applied} migrations applied` : "up to date"}.`);

const mailDir = process.env.MAIL_DIR ?? "./data/mail";
const key = `sink-${crypto.randomUUID()}`;
const sink = await startMailSink(mailDir, key);
console.log(`Mail: ${mailDir}/*.eml (a local sink in the email provider's format at ${sink.url}).`);

const portIndex = args.findIndex((a) => a === "--port" || a.startsWith("--port="));
const port =
  portIndex < 0
    ? "8787"
    : args[portIndex]!.includes("=")
      ? args[portIndex]!.split("=")[1]
      : args[portIndex + 1];
const dev = spawn(
  "npx",
  [
    "wrangler",
    "dev",
    "--test-scheduled",
    "--var",
    `EMAIL_API_URL:${sink.url}`,
    "--var",
    `EMAIL_API_KEY:${key}`,
    ...args,
  ],
  { stdio: "inherit", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
const cronUrl = `http://127.0.0.1:${port}/__scheduled?cron=*+*+*+*+*`;
console.log(`Cron: every minute, or now with: curl "${cronUrl}"`);
const cron = setInterval(() => void fetch(cronUrl).catch(() => undefined), 60_000);

const stop = () => {
  clearInterval(cron);
  sink.server.close();
  dev.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => {
  clearInterval(cron);
  sink.server.close();
  process.exit(code ?? 0);
});
