import { parseConfig } from "../config.js";
import { buildNodeDeps } from "../runtime/node-deps.js";
import { seedCatalog } from "./seed-catalog.js";

/** `npm run seed`: migrates the configured database if needed and loads the demo catalogue. */
const deps = await buildNodeDeps(parseConfig(process.env));
try {
  const report = await seedCatalog(deps);
  console.log(
    `Seeded ${deps.config.DATABASE_URL}: ${report.created.topics} topics, ${report.created.people} people, ` +
      `${report.created.briefs} briefs, ${report.created.events} events created; ${report.skipped} already there.`,
  );
} finally {
  deps.close();
}
