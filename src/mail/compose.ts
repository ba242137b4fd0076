import type { SendMailOptions } from "nodemailer";
import type { MailMessage } from "../deps.js";
import { INVITE_FILENAME } from "./http.js";

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
    // nodemailer writes the text/calendar alternative (charset=utf-8, method=...) next to the
    // text and HTML and attaches the same bytes as invite.ics: what Outlook, Gmail, Apple Mail
    // and Thunderbird all recognise as an invitation.
    ...(message.calendar
      ? {
          icalEvent: {
            method: message.calendar.method,
            filename: INVITE_FILENAME,
            content: message.calendar.content,
          },
        }
      : {}),
    // No "X-Mailer: nodemailer" header: it says nothing useful to the recipient.
    xMailer: false,
  };
}
