import { type Mailer, type MailMessage, MailRejected } from "../deps.js";

/** The file name of an attached invitation, on every transport. */
export const INVITE_FILENAME = "invite.ics";

/**
 * An HTTP email provider, in Resend's published request format (`POST /emails`, JSON body
 * {from, to, subject, html, text, headers, attachments}, `Authorization: Bearer <key>`,
 * `Idempotency-Key`). fetch only, so it runs in Workers and on Node alike.
 *
 * The Idempotency-Key is the outbox dedupe key: a message sent again after a crash between send
 * and mark is recognised by the provider (for 24 h at Resend) and not delivered twice.
 */
export function httpMailer(options: {
  url: string;
  apiKey: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Mailer {
  // Looked up at each call, so a test that replaces the global fetch sees its requests.
  const doFetch: typeof fetch = (input, init) => (options.fetch ?? fetch)(input, init);
  return {
    /**
     * POST <url>/batch, a JSON array of send bodies (Resend: at most 100, all or none). One
     * Idempotency-Key for the request, so a batch re-posted after an unknown outcome is
     * recognised as one request by the provider.
     */
    async sendBatch(messages, idempotencyKey) {
      const res = await doFetch(`${options.url.replace(/\/+$/, "")}/batch`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          "content-type": "application/json",
          "idempotency-key": idempotencyKey,
        },
        body: JSON.stringify(messages.map(providerBody)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      await checked(res);
    },
    async send(message) {
      const res = await doFetch(options.url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          "content-type": "application/json",
          "idempotency-key": message.idempotencyKey ?? message.messageId,
        },
        body: JSON.stringify(providerBody(message)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      await checked(res);
    },
  };
}

/**
 * Throws unless the provider accepted: MailRejected for a 4xx other than 408/409/429 (refused,
 * nothing sent), a plain Error otherwise (a 5xx or a busy answer may hide a send).
 *
 * Resend's 409 `invalid_idempotent_request` says this Idempotency-Key was already used, with
 * another body, within 24 h: the earlier request under it was accepted (a retry after an unknown
 * outcome renders anew, and fresh links change the body). It counts as accepted, or the row
 * would retry into `dead` although its mail went out. Its other 409 (a concurrent request with
 * the key) stays unknown.
 */
async function checked(res: Response): Promise<void> {
  if (!res.ok) {
    const text = (await res.text().catch(() => "")).slice(0, 1000);
    if (res.status === 409 && /"name"\s*:\s*"invalid_idempotent_request"/.test(text)) return;
    const message = `email provider answered ${res.status}: ${text || res.statusText}`;
    const refused = res.status >= 400 && res.status < 500 && ![408, 409, 429].includes(res.status);
    throw refused ? new MailRejected(message) : new Error(message);
  }
  // Drain the body so the connection can be reused.
  await res.arrayBuffer().catch(() => undefined);
}

/** The JSON body of a send request. Message-ID travels as a header so duplicates stay recognisable. */
export function providerBody(message: MailMessage) {
  const attachments = [
    ...(message.attachments ?? []).map((a) => ({
      filename: a.filename,
      content_type: a.contentType,
      content: toBase64(a.content),
    })),
    // The provider builds the MIME tree itself and has no alternatives: the invitation goes as
    // an attachment whose content type carries the METHOD, which mail clients recognise.
    ...(message.calendar
      ? [
          {
            filename: INVITE_FILENAME,
            content_type: `text/calendar; charset=utf-8; method=${message.calendar.method}`,
            content: toBase64(message.calendar.content),
          },
        ]
      : []),
  ];
  return {
    from: message.from,
    to: [message.to],
    subject: message.subject,
    html: message.html,
    text: message.text,
    headers: { ...message.headers, "Message-ID": message.messageId },
    ...(attachments.length ? { attachments } : {}),
  };
}

function toBase64(content: string | Uint8Array): string {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * The Worker's mailer when no provider key is set: every send fails, so messages retry and end
 * `dead`, visible to staff in GET /api/v1/outbox, instead of being dropped without a trace.
 */
export const unconfiguredMailer: Mailer = {
  async send() {
    throw new Error("no email provider configured (set EMAIL_API_KEY)");
  },
  async sendBatch() {
    throw new MailRejected("no email provider configured (set EMAIL_API_KEY)");
  },
};
