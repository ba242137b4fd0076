import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

/** Global setup of the libsql-client-file project: one directory for the run's database files. */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "convene-libsql-client-file-"));
  project.provide("libsqlClientFileDir", dir);
  return () => rm(dir, { recursive: true, force: true });
}
