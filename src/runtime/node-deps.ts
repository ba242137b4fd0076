import { lookup } from "node:dns/promises";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Config } from "../config.js";
import { type Db, libsqlDb, prepareLocalClient } from "../db/client.js";
import { migrateLibsql } from "../db/migrate-node.js";
import { isLocalUrl, openClient } from "../db/open-node.js";
import type { Deps, Mailer } from "../deps.js";
import { systemClock } from "../lib/clock.js";
import { jsonLogger } from "../lib/log.js";
import { cryptoTokens } from "../lib/tokens.js";
import { emlMailer } from "../mail/eml.js";
import { httpMailer } from "../mail/http.js";
import { smtpMailer } from "../mail/smtp.js";
import { useNodeHashing } from "./node-hash.js";
import { processInstance } from "./node-recover.js";
import { pinnedWebhookFetch } from "./node-webhook-fetch.js";

/** Opens (and for a local file, creates and migrates) the database named by the config. */
export async function openNodeDb(config: Config): Promise<{ db: Db; close: () => void }> {
  const url = config.DATABASE_URL;
  if (url.startsWith("file:")) mkdirSync(dirname(url.slice("file:".length)), { recursive: true });
  const client = openClient(url, config.DATABASE_AUTH_TOKEN);
  if (isLocalUrl(url)) await prepareLocalClient(client);
  const db = libsqlDb(client);
  await migrateLibsql(db);
  return { db, close: () => client.close() };
}

/**
 * Mail on Node: SMTP when SMTP_URL is set, else the HTTP provider when EMAIL_API_KEY is set,
 * else one .eml file per message in MAIL_DIR, so a fresh install needs nothing to "send" mail.
 */
export function nodeMailer(config: Config): Mailer {
  if (config.SMTP_URL) return smtpMailer(config.SMTP_URL);
  if (config.EMAIL_API_KEY) return httpMailer({ url: config.EMAIL_API_URL, apiKey: config.EMAIL_API_KEY });
  return emlMailer(config.MAIL_DIR);
}

/** Where nodeMailer sends, for the start-up log line (no credentials). */
export function mailTarget(config: Config): string {
  if (config.SMTP_URL) return `smtp://${new URL(config.SMTP_URL).host}`;
  if (config.EMAIL_API_KEY) return config.EMAIL_API_URL;
  return `${config.MAIL_DIR}/*.eml`;
}

export async function buildNodeDeps(config: Config): Promise<Deps & { close: () => void }> {
  useNodeHashing();
  const { db, close } = await openNodeDb(config);
  return {
    db,
    close,
    clock: systemClock,
    mailer: nodeMailer(config),
    config,
    tokens: cryptoTokens,
    log: jsonLogger(config.LOG_LEVEL),
    clientAddress: (c) => getConnInfo(c).remote.address,
    instance: processInstance,
    ...nodeWebhookDeps(config),
  };
}

/**
 * Webhook URLs whose names resolve into a private network are refused (webhooks/address.ts), and
 * with WEBHOOK_ALLOW_PRIVATE off, sends connect only to the public addresses they checked.
 */
export function nodeWebhookDeps(
  config: Pick<Config, "WEBHOOK_ALLOW_PRIVATE">,
  resolveHost: (host: string) => Promise<string[]> = async (host) =>
    (await lookup(host, { all: true })).map((a) => a.address),
): Pick<Deps, "resolveHost" | "webhookFetch"> {
  return config.WEBHOOK_ALLOW_PRIVATE
    ? { resolveHost }
    : { resolveHost, webhookFetch: pinnedWebhookFetch(resolveHost) };
}
