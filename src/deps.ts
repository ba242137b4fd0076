import type { Context } from "hono";
import type { Config } from "./config.js";
import type { Db } from "./db/client.js";
import type { Clock } from "./lib/clock.js";
import type { Logger } from "./lib/log.js";
import type { TokenGenerator } from "./lib/tokens.js";

/** A file sent with a message (the calendar invitation, for instance). */
export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string | Uint8Array;
}

/**
 * An outgoing email, rendered at send time from an outbox row by its message kind (features/outbox/kinds.ts).
 * Every transport in src/mail/ sends exactly these fields.
 */
export interface MailMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra header fields (List-Unsubscribe, List-Unsubscribe-Post...). */
  headers: Record<string, string>;
  /**
   * RFC 5322 Message-ID, angle brackets included. Derived from the outbox dedupe key, so a
   * message sent again after a crash carries the same one and duplicates are recognisable.
   */
  messageId: string;
  /** For providers that deduplicate requests (HTTP `Idempotency-Key`): the outbox dedupe key. */
  idempotencyKey?: string;
  attachments?: MailAttachment[];
  /**
   * An iMIP invitation (RFC 6047): the iCalendar text of a REQUEST or CANCEL. Transports send it
   * as a `text/calendar; charset=utf-8; method=...` alternative and attach the same file as
   * invite.ics (or, where only attachments exist, as one attachment of that content type).
   */
  calendar?: MailCalendar;
}

/** The calendar part of a message; `method` must equal the METHOD line of `content`. */
export interface MailCalendar {
  method: "REQUEST" | "CANCEL";
  content: string;
}

/** A transport. `send` resolves once the message is accepted and throws on any failure. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  /**
   * Sends up to EMAIL_BATCH_MAX messages in one request (the HTTP provider's batch endpoint),
   * all or none, under one `idempotencyKey`. Throws MailRejected when the provider refused the
   * request (nothing was sent), any other error when the outcome is unknown (timeout, 5xx).
   */
  sendBatch?(messages: MailMessage[], idempotencyKey: string): Promise<void>;
  /** Ends pooled connections (SMTP), for a clean shutdown. */
  close?(): void | Promise<void>;
}

/** The provider refused a request (4xx): nothing was sent, so trying again later cannot duplicate. */
export class MailRejected extends Error {}

/**
 * One unit of queued delivery: outbox rows claimed together (their claim id) and the ids of
 * those rows this unit sends, at most QUEUE_CHUNK_ROWS (outbox/queue.ts: four provider batches).
 * It carries no rendered mail: the consumer renders at send time and sends only rows still held
 * under `claimId`, so a redelivered unit whose rows were marked sent sends nothing.
 */
export interface DeliveryChunk {
  claimId: string;
  ids: string[];
  /** Webhook rows (delivered by the webhook courier, one request each); absent: email. */
  channel?: "webhook";
}

/**
 * Where the due work hands claimed outbox rows (Workers: the OUTBOX_QUEUE producer, consumed by
 * the Worker's `queue` handler). Absent (Node), the due work sends them in-process, as before.
 */
export interface DeliveryQueue {
  /** Sends one sendBatch: the caller keeps it within QUEUE_MAX_BATCH_MESSAGES and _BYTES. */
  sendBatch(chunks: DeliveryChunk[]): Promise<void>;
}

/** Accepts and drops every message (tests that do not look at mail). */
export const noopMailer: Mailer = { send: async () => {} };

/** Everything the app needs from the outside world, built by an entry point or a test. */
export interface Deps {
  db: Db;
  clock: Clock;
  mailer: Mailer;
  config: Config;
  tokens: TokenGenerator;
  log: Logger;
  /**
   * This process on Node, as `host/pid/startedAt`: written into its outbox claims, so that the
   * next start on this host can hand back at once the claims of a process that died (instead of
   * letting them wait out the lease). Absent on Workers, whose claims wait for the lease.
   */
  instance?: string;
  /**
   * The platform compresses responses for each client itself (Workers: the edge negotiates with
   * the real client, and the Worker sees a rewritten Accept-Encoding that always offers gzip).
   * The app then never compresses: it would send gzip to clients that did not ask for it.
   */
  platformCompression?: boolean;
  /**
   * The addresses a host name resolves to (Node: dns.lookup), so webhook URLs whose names lead
   * into a private network are refused; absent on Workers, which cannot resolve names.
   */
  resolveHost?: (host: string) => Promise<string[]>;
  /**
   * fetch for webhook sends (Node: one whose sockets connect only to public addresses, checked
   * in the connection's own lookup: runtime/node-webhook-fetch.ts); absent: the global fetch.
   */
  webhookFetch?: typeof fetch;
  /** Queued delivery of the outbox (Workers); absent: the due work dispatches in-process (Node). */
  deliveryQueue?: DeliveryQueue;
  /** The peer address of a request as the runtime sees it (socket on Node, CF-Connecting-IP on Workers). */
  clientAddress?: (c: Context) => string | undefined;
}
