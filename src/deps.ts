import type { Context } from "hono";
import type { Config } from "./config.js";
import type { Db } from "./db/client.js";
import type { Clock } from "./lib/clock.js";
import type { Logger } from "./lib/log.js";
import type { TokenGenerator } from "./lib/tokens.js";

/** An outgoing email. The registration issue gives this real transports. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  headers?: Record<string, string>;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Until the outbox lands nothing sends mail; this keeps the dependency in its final place. */
export const noopMailer: Mailer = { send: async () => {} };

/** Everything the app needs from the outside world, built by an entry point or a test. */
export interface Deps {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  config: Config;
  tokens: TokenGenerator;
  log: Logger;
  /** The peer address of a request as the runtime sees it (socket on Node, CF-Connecting-IP on Workers). */
  clientAddress?: (c: Context) => string | undefined;
}
