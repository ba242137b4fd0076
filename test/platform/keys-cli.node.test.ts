import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe("keys CLI (Node only)", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "convene-keys-"));
    env = { ...process.env, DATABASE_URL: `file:${join(dir, "k.db")}`, LOG_LEVEL: "info" };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const keys = (...args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "src/cli/keys.ts", ...args],
        { cwd: ROOT, env, timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  it("creates, lists and revokes a key; rejects an unknown scope", async () => {
    const created = await keys("create", "--name", "ci", "--scopes", "events:write");
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^cvn_[0-9a-z]{8}_[0-9a-z]{26}\n$/);
    const key = created.stdout.trim();
    const prefix = key.split("_")[1]!;

    const listed = await keys("list");
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(prefix);
    expect(listed.stdout).toContain("ci");
    expect(listed.stdout).toContain("events:write");
    expect(listed.stdout).not.toContain(key);
    expect(listed.stdout).not.toMatch(/[0-9a-f]{64}/); // no hashes either
    const row = listed.stdout.split("\n").find((l) => l.startsWith(prefix))!;
    expect(row.trimEnd().endsWith("-")).toBe(true); // not revoked yet

    const revoked = await keys("revoke", prefix);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await keys("list");
    const revokedRow = after.stdout.split("\n").find((l) => l.startsWith(prefix))!;
    expect(revokedRow).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}Z$/);

    const missing = await keys("revoke", "zzzzzzzz");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("zzzzzzzz");

    const bad = await keys("create", "--name", "ci", "--scopes", "events:write,events:destroy");
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toContain("events:destroy");
  }, 60_000);

  it("prints an INSERT and the key (on stderr) with --print-sql, writing nothing", async () => {
    const res = await keys("create", "--name", "o'brien", "--scopes", "admin", "--print-sql");
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^INSERT INTO api_keys \(id, name, prefix, hash, scopes, created_at\) VALUES \('key_\w+', 'o''brien', '[0-9a-z]{8}', '[0-9a-f]{64}', '\["admin"\]', \d{13}\);\n$/,
    );
    expect(res.stderr.trim()).toMatch(/^cvn_[0-9a-z]{8}_[0-9a-z]{26}$/);
    const listed = await keys("list");
    expect(listed.stdout).not.toContain("o'brien");
  }, 60_000);
});
