import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * workerd logs a benign "WebSocket peer disconnected" at each test file's teardown, which the
 * workers pool prints as `exception = ...` (dozens a run, reading like failures). The pool
 * filters it from 0.16.0 on (cloudflare/workers-sdk#13833), which needs a newer Node than this
 * project's; until then this drops exactly that line from the pool's output, nothing else.
 */
const BENIGN =
  /^exception = workerd\/api\/web-socket\.c\+\+:\d+: disconnected: WebSocket peer disconnected\n$/;
const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
  typeof chunk === "string" && BENIGN.test(chunk)
    ? true
    : write(chunk, ...rest)) as typeof process.stdout.write;

// A safety net, not a speed target: the concurrency tests fire hundreds of requests at one
// database and a 2-core CI machine under load can take several seconds for them.
const testTimeout = 30_000;

/**
 * Tests live by subject (test/events, test/registrations, ...); the file name says where one runs:
 * `x.test.ts` on every engine, `x.node.test.ts` on Node only, `x.workers.test.ts` in workerd
 * only, and tests that need a system package are named for it and run on Node:
 * `x.chromium.test.ts` (Debian's chromium), `x.khal.test.ts` (python3-icalendar and khal).
 */
const nodeOnly = ["test/**/*.node.test.ts", "test/**/*.chromium.test.ts", "test/**/*.khal.test.ts"];
const workersOnly = "test/**/*.workers.test.ts";

/**
 * One suite, four engines: the integration tests run on Node against in-memory libsql through
 * LocalClient (`node`, the client the server uses for files), through the real @libsql/client
 * (the client of every remote database) on `:memory:` and on a temporary file, and inside
 * workerd against D1. `#test-db` picks the engine for the test-app factory.
 *
 * The two @libsql/client projects share modules between test files (`isolate: false`): every
 * test builds its own app and database, and re-importing the app for each file was
 * 2/3 of their time (memory: 74 s -> 22 s).
 */
export default defineConfig({
  test: {
    reporters: process.env.CI_JSON ? ["default", ["json", { outputFile: process.env.CI_JSON }]] : ["default"],
    projects: [
      {
        resolve: { alias: { "#test-db": here("./test/support/db.libsql.ts") } },
        test: {
          name: "node",
          environment: "node",
          testTimeout,
          include: ["test/**/*.test.ts"],
          exclude: [workersOnly],
        },
      },
      {
        resolve: { alias: { "#test-db": here("./test/support/db.libsql-client-memory.ts") } },
        test: {
          name: "libsql-client-memory",
          isolate: false,
          environment: "node",
          testTimeout,
          include: ["test/**/*.test.ts"],
          exclude: [...nodeOnly, workersOnly],
        },
      },
      {
        resolve: { alias: { "#test-db": here("./test/support/db.libsql-client-file.ts") } },
        test: {
          name: "libsql-client-file",
          isolate: false,
          environment: "node",
          testTimeout,
          globalSetup: ["./test/support/db.libsql-client-file.setup.ts"],
          include: ["test/**/*.test.ts"],
          exclude: [...nodeOnly, workersOnly],
        },
      },
      {
        resolve: { alias: { "#test-db": here("./test/support/db.d1.ts") } },
        plugins: [
          cloudflareTest(async () => ({
            miniflare: {
              compatibilityDate: "2026-05-01",
              compatibilityFlags: ["nodejs_compat"],
              d1Databases: ["DB"],
              // The Worker entry reads its config from bindings; keep its JSON log out of test output.
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(here("./migrations")),
                LOG_LEVEL: "silent",
              },
            },
          })),
        ],
        test: {
          name: "workers",
          testTimeout,
          include: ["test/**/*.test.ts"],
          exclude: nodeOnly,
        },
      },
    ],
  },
});
