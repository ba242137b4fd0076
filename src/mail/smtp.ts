import { createTransport } from "nodemailer";
import type { Mailer } from "../deps.js";
import { toNodemailer } from "./compose.js";

/**
 * Sends through an SMTP server (`SMTP_URL`, e.g. smtp://user:pass@host:587 or smtps://...).
 * One connection per message: the dispatcher sends a handful at a time and a pool would need a
 * lifecycle. The timeouts are far below the outbox lease, so a hung server ends in a failure
 * (and a retry) rather than in a second dispatcher claiming a message that is still in flight.
 */
export function smtpMailer(url: string): Mailer {
  const transport = createTransport({
    url,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    async send(message) {
      await transport.sendMail(toNodemailer(message));
    },
  };
}
