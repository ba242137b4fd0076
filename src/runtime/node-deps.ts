import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { getConnInfo } from "@hono/node-server/conninfo";
import { createClient } from "@libsql/client";
import type { Config } from "../config.js";
import { type Db, libsqlDb, prepareLocalClient } from "../db/client.js";
import { migrateLibsql } from "../db/migrate-node.js";
import { type Deps, noopMailer } from "../deps.js";
import { systemClock } from "../lib/clock.js";
import { jsonLogger } from "../lib/log.js";
import { cryptoTokens } from "../lib/tokens.js";

/** Opens (and for a local file, creates and migrates) the database named by the config. */
export async function openNodeDb(config: Config): Promise<{ db: Db; close: () => void }> {
  const url = config.DATABASE_URL;
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
  const client = createClient({ url, authToken: config.DATABASE_AUTH_TOKEN });
  if (url.startsWith("file:") || url === ":memory:") await prepareLocalClient(client);
  const db = libsqlDb(client);
  await migrateLibsql(db);
  return { db, close: () => client.close() };
}

export async function buildNodeDeps(config: Config): Promise<Deps & { close: () => void }> {
  const { db, close } = await openNodeDb(config);
  return {
    db,
    close,
    clock: systemClock,
    mailer: noopMailer,
    config,
    tokens: cryptoTokens,
    log: jsonLogger(config.LOG_LEVEL),
    clientAddress: (c) => getConnInfo(c).remote.address,
  };
}
