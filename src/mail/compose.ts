import type { SendMailOptions } from "nodemailer";
import type { MailMessage } from "../deps.js";

/** Our message in nodemailer's shape, shared by the SMTP and the .eml transports (Node only). */
export function toNodemailer(message: MailMessage): SendMailOptions {
  return {
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    headers: message.headers,
    attachments: message.attachments?.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: typeof a.content === "string" ? a.content : Buffer.from(a.content),
    })),
    // No "X-Mailer: nodemailer" header: it says nothing useful to the recipient.
    xMailer: false,
  };
}
