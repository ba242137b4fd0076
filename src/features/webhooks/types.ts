/** What a webhook can announce (issue 15). Registrant fields travel only in `registration.*`. */
export const WEBHOOK_TYPES = [
  "event.published",
  "event.updated",
  "event.rescheduled",
  "event.cancelled",
  "registration.created",
  "registration.cancelled",
  "registration.promoted",
  "attendance.recorded",
  "recording.published",
] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

/** The outbox template of a webhook message: its own namespace, apart from mail templates. */
export const templateOf = (type: WebhookType) => `webhook:${type}`;

/**
 * Waits after failed attempt n (1 = the first), per the Standard Webhooks suggestion: about a
 * day and a half in all, then the message is dead (8 attempts).
 */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;
