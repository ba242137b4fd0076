/**
 * Staff API keys from the command line, against the configured database (DATABASE_URL).
 *
 *   npm run --silent keys -- create --name NAME --scopes events:write,registrations:read
 *   npm run --silent keys -- create --name NAME --scopes admin --print-sql
 *   npm run --silent keys -- list
 *   npm run --silent keys -- revoke <id-or-prefix>
 *
 * stdout carries only the result (the key, the table, the SQL), so it can be piped;
 * everything else goes to stderr. Exit codes: 0 ok, 1 failure, 2 bad usage.
 */
import { parseArgs } from "node:util";
import { ConfigError, parseConfig } from "../config.js";
import { SCOPES, type Scope } from "../db/schema.js";
import {
  apiKeyInsertText,
  createApiKey,
  type KeyView,
  listApiKeys,
  revokeApiKey,
} from "../features/auth/index.js";
import { systemClock } from "../lib/clock.js";
import { Problem } from "../lib/problem.js";
import { cryptoTokens } from "../lib/tokens.js";
import { openNodeDb } from "../runtime/node-deps.js";

const USAGE = `Usage:
  keys create --name NAME --scopes SCOPE[,SCOPE...] [--print-sql]
  keys list
  keys revoke <id-or-prefix>

Scopes: ${SCOPES.join(", ")}
--print-sql writes nothing: it prints an INSERT for api_keys on stdout and the key on stderr,
for example for: wrangler d1 execute DB --remote --command "$(npm run --silent keys -- create ... --print-sql)"`;

class UsageError extends Error {}

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** Same rules as POST /api/v1/api-keys: a non-empty name of at most 100 characters. */
function parseName(raw: string | undefined): string {
  if (raw === undefined) throw new UsageError("missing --name");
  const name = raw.trim();
  if (name.length === 0) throw new UsageError("--name must not be empty");
  if (name.length > 100) throw new UsageError("--name must be at most 100 characters");
  return name;
}

function parseScopes(raw: string | undefined): Scope[] {
  if (raw === undefined) throw new UsageError("missing --scopes");
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError("--scopes must name at least one scope");
  const unknown = items.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    const list = unknown.map((s) => `"${s}"`).join(", ");
    throw new UsageError(
      `unknown scope${unknown.length > 1 ? "s" : ""} ${list} (valid: ${SCOPES.join(", ")})`,
    );
  }
  return [...new Set(items as Scope[])];
}

function loadConfig() {
  try {
    return parseConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

async function withDb<T>(fn: (db: Awaited<ReturnType<typeof openNodeDb>>["db"]) => Promise<T>): Promise<T> {
  const { db, close } = await openNodeDb(loadConfig());
  try {
    return await fn(db);
  } finally {
    close();
  }
}

const when = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace("T", " ")}Z` : "-");

function table(keys: KeyView[]): string[] {
  const header = ["PREFIX", "NAME", "SCOPES", "CREATED", "LAST USED", "REVOKED"];
  const rows = keys.map((k) => [
    k.prefix,
    k.name,
    k.scopes.join(","),
    when(k.createdAt),
    when(k.lastUsedAt),
    when(k.revokedAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: "string" },
      scopes: { type: "string" },
      "print-sql": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (!command) throw new UsageError("missing command (create, list or revoke)");
  const hasCreateOptions = values.name !== undefined || values.scopes !== undefined || values["print-sql"];

  switch (command) {
    case "create": {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      const name = parseName(values.name);
      const scopes = parseScopes(values.scopes);
      if (values["print-sql"]) {
        const { key, statement } = await apiKeyInsertText(
          { clock: systemClock, tokens: cryptoTokens },
          { name, scopes },
        );
        out(statement);
        err(key);
        return 0;
      }
      const { key } = await withDb((db) =>
        createApiKey({ db, clock: systemClock, tokens: cryptoTokens }, { name, scopes }),
      );
      out(key);
      return 0;
    }
    case "list": {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
      if (hasCreateOptions) throw new UsageError("list takes no options");
      const keys = await withDb((db) => listApiKeys(db));
      if (keys.length === 0) err("No API keys.");
      else for (const line of table(keys)) out(line);
      return 0;
    }
    case "revoke": {
      if (hasCreateOptions) throw new UsageError("revoke takes no options");
      if (rest.length !== 1) throw new UsageError("revoke takes exactly one key id or prefix");
      const started = systemClock.now();
      const key = await withDb((db) => revokeApiKey({ db, clock: systemClock }, rest[0]!));
      // revokeApiKey keeps the first revocation time, so an earlier one means "already revoked".
      const already = key.revokedAt !== null && key.revokedAt < started;
      out(
        `${already ? "Already revoked" : "Revoked"}: ${key.prefix} (${key.name}) at ${when(key.revokedAt)}`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}" (expected create, list or revoke)`);
  }
}

async function main(): Promise<void> {
  // Anything that logs through console.log must not end up mixed into the key or the SQL.
  console.log = console.error;
  try {
    process.exitCode = await run(process.argv.slice(2));
  } catch (e) {
    if (
      e instanceof UsageError ||
      (e instanceof TypeError && "code" in e && String(e.code).startsWith("ERR_PARSE_ARGS"))
    ) {
      err(`keys: ${e.message}`);
      err("Run with --help for usage.");
      process.exitCode = 2;
    } else if (e instanceof Problem) {
      err(`keys: ${e.message}`);
      process.exitCode = 1;
    } else {
      err(`keys: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exitCode = 1;
    }
  }
}

await main();
