import { parseConfig } from "../config.js";
import { libsqlDb } from "../db/client.js";
import { openClient } from "../db/open-node.js";
import type { Deps } from "../deps.js";
import { systemClock } from "../lib/clock.js";
import { silentLogger } from "../lib/log.js";
import { cryptoTokens } from "../lib/tokens.js";
import { buildNodeDeps, nodeMailer } from "../runtime/node-deps.js";
import { useNodeHashing } from "../runtime/node-hash.js";
import { localD1File, persistToArg } from "./local-d1.js";
import { seedCatalog } from "./seed-catalog.js";

/**
 * `npm run seed`: migrates the configured database if needed and loads the demo catalogue.
 * `npm run seed -- --local-d1 [--persist-to DIR]`: the same into `npm run dev:worker`'s local D1
 * (its SQLite file, migrated by wrangler, so not migrated here).
 */
const args = process.argv.slice(2);
const config = parseConfig(process.env);
let deps: Deps & { close: () => void };
if (args.includes("--local-d1")) {
  const file = localD1File(persistToArg(args));
  if (!file) {
    console.error("No local D1 yet: run `npm run dev:worker` once (it migrates it), then seed.");
    process.exit(1);
  }
  useNodeHashing();
  const client = openClient(`file:${file}`);
  const db = libsqlDb(client);
  deps = {
    db,
    clock: systemClock,
    mailer: nodeMailer(config),
    config,
    tokens: cryptoTokens,
    log: silentLogger,
    close: () => client.close(),
  };
} else {
  deps = await buildNodeDeps(config);
}
try {
  const target = args.includes("--local-d1") ? "the local D1" : deps.config.DATABASE_URL;
  const report = await seedCatalog(deps);
  console.log(
    `Seeded ${target}: ${report.created.topics} topics, ${report.created.people} people, ` +
      `${report.created.briefs} briefs, ${report.created.events} events created; ${report.skipped} already there.`,
  );
} finally {
  deps.close();
}
