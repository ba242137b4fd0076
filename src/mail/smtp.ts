import { createTransport } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";
import type { Mailer } from "../deps.js";
import { toNodemailer } from "./compose.js";

/**
 * Connections the pool keeps open at most. The dispatcher sends this many messages at a time
 * (dispatcher.ts SEND_CONCURRENCY): each send has a connection of its own, none waits in
 * nodemailer's queue, and a relay sees no more than a handful of sessions from us.
 */
export const SMTP_MAX_CONNECTIONS = 4;

/**
 * The transport options of smtpMailer (the mail benchmark uses exactly these for its baseline).
 *
 * - A POOL of SMTP sessions, each delivering message after message. Opening a session costs a
 *   TCP handshake, the server's greeting (which MTAs delay on purpose to catch early talkers:
 *   smtp-server waits 100 ms, Postfix's postscreen longer) and EHLO; one session per message
 *   capped a reminder run at a few dozen messages a second, whatever the rest of the path did.
 * - maxMessages: a session is recycled after 100 messages (nodemailer's default), which most
 *   relays' per-session limits allow.
 * - idleTimeout: a session idle for half a second is closed. A due-work run sends its batches
 *   back to back, so the pool lives for a burst and is empty between scheduler runs: nothing lingers
 *   for the server to time out, and there is nothing to tear down at shutdown (close() exists
 *   for a caller that wants it sooner).
 * - The timeouts are far below the outbox lease, so a hung server ends in a failure (and a
 *   retry) rather than in a second dispatcher claiming a message that is still in flight.
 *
 * Query parameters of SMTP_URL override these (nodemailer reads e.g. ?maxConnections=2 from it).
 */
export function smtpTransportOptions(url: string): SMTPPool.Options & { idleTimeout: number } {
  return {
    url,
    pool: true,
    maxConnections: SMTP_MAX_CONNECTIONS,
    maxMessages: 100,
    idleTimeout: 500,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  };
}

/** Sends through an SMTP server (`SMTP_URL`, e.g. smtp://user:pass@host:587 or smtps://...). */
export function smtpMailer(url: string): Mailer & { close(): void } {
  const transport = createTransport(smtpTransportOptions(url));
  return {
    async send(message) {
      await transport.sendMail(toNodemailer(message));
    },
    /** Closes idle sessions now and the others once their message is delivered. */
    close() {
      transport.close();
    },
  };
}
