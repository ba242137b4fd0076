import { serve } from "@hono/node-server";
import { createApp } from "./app.js";
import { ConfigError, parseConfig, servedUrl } from "./config.js";
import { startScheduler } from "./jobs/scheduler.js";
import { buildNodeDeps, mailTarget } from "./runtime/node-deps.js";
import { recoverFromCrash } from "./runtime/node-recover.js";

/** Node entry: parse config, open and migrate the database, serve, run the due work on a timer. */
async function main() {
  let config: ReturnType<typeof parseConfig>;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const deps = await buildNodeDeps(config);
  await recoverFromCrash(deps, config);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    // Links follow the port really served (PORT=0 too) unless PUBLIC_URL says otherwise.
    if (!config.publicUrlGiven) config.PUBLIC_URL = servedUrl(config.HOST, info.port);
    deps.log("info", "listening", {
      url: `http://${info.address}:${info.port}`,
      database: config.DATABASE_URL,
      mail: mailTarget(config),
      schedulerSeconds: config.SCHEDULER_INTERVAL_SECONDS,
      publicUrl: config.PUBLIC_URL,
    });
  });
  server.once("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EADDRINUSE" && err.code !== "EACCES") throw err;
    const why = err.code === "EADDRINUSE" ? "is in use" : "is not allowed";
    console.error(
      `Port ${config.PORT} on ${config.HOST} ${why}. Set PORT to a free one, for example: PORT=8788 npm start`,
    );
    deps.close();
    process.exit(1);
  });
  const scheduler = startScheduler(deps, config.SCHEDULER_INTERVAL_SECONDS);
  const stop = () => {
    server.close(() => {
      // Let a run in progress record its outcomes before the database closes.
      void scheduler.stop().finally(async () => {
        await deps.mailer.close?.();
        deps.close();
        process.exit(0);
      });
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

await main();
