import type { Deps, MailMessage } from "../../deps.js";

/**
 * The envelope every registrant email shares: our From, RFC 8058 one-click unsubscribe (which
 * turns off reminders for that registration's event) and the dedupe key as Idempotency-Key.
 */
export function outgoing(
  config: Pick<Deps["config"], "MAIL_FROM">,
  to: string,
  content: { subject: string; text: string; html: string },
  unsubscribeUrl: string,
  dedupeKey: string,
): Omit<MailMessage, "messageId"> {
  return {
    from: config.MAIL_FROM,
    to,
    ...content,
    headers: {
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    idempotencyKey: dedupeKey,
  };
}
