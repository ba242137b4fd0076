import { sql } from "drizzle-orm";
import { z } from "zod";
import { NEWSLETTER_SOURCES, NEWSLETTER_STATES } from "../../db/schema.js";
import { isoUtc } from "../../lib/time.js";

/**
 * The newsletter opt-in of an attendee (migration 0013). Double opt-in, because anyone may type
 * anyone's address into the form: a ticked box on a NEW registration only records `requested`
 * (in the engine's attendee INSERT, so a known address changes nothing); the person's emailed
 * manage page, which proves the mailbox, confirms it or says no thanks. The manage page and
 * every unsubscribe link withdraw it; erasure removes it.
 */

export type NewsletterState = (typeof NEWSLETTER_STATES)[number];
export type NewsletterSource = (typeof NEWSLETTER_SOURCES)[number];

/** The opt-in as staff JSON, the CSV and webhook payloads show it: null when never asked. */
export interface Newsletter {
  state: NewsletterState;
  /** When the state last changed (ISO 8601 UTC). */
  at: string;
  source: NewsletterSource;
}

/** Its schema, for the OpenAPI documents of every surface that shows it. */
export const NewsletterOut = z
  .object({
    state: z.enum(NEWSLETTER_STATES),
    at: z.string().describe("When the state last changed: UTC instant, ISO 8601 with Z"),
    source: z.enum(NEWSLETTER_SOURCES),
  })
  .nullable()
  .describe(
    "Newsletter opt-in (double opt-in: requested by the form or API, confirmed on the emailed manage page; withdrawn there or by an unsubscribe link); null: never asked",
  );

/**
 * The attendee's opt-in as one object, from an attendee row (drizzle's Date or the stored
 * milliseconds): the one shape every surface (staff JSON, CSV, webhooks) shows.
 */
export function newsletterOf(row: {
  newsletterState: NewsletterState | null;
  newsletterAt: Date | number | null;
  newsletterSource: NewsletterSource | null;
}): Newsletter | null {
  if (row.newsletterState === null || row.newsletterAt === null || row.newsletterSource === null) return null;
  const at = row.newsletterAt instanceof Date ? row.newsletterAt : new Date(Number(row.newsletterAt));
  return { state: row.newsletterState, at: isoUtc(at), source: row.newsletterSource };
}

/**
 * The manage page's "Confirm" / "Send me the newsletter": the mailbox's owner asks, so it is
 * confirmed at once from any state. Confirming again keeps the first confirmation's time.
 */
export const confirmNewsletterStatement = (attendeeId: string, at: number) => sql`
  UPDATE attendees SET newsletter_state = 'confirmed', newsletter_at = ${at}, newsletter_source = 'manage-page',
         updated_at = ${at}
  WHERE id = ${attendeeId} AND erased_at IS NULL AND newsletter_state IS NOT 'confirmed'`;

/**
 * "No thanks", "Stop the newsletter" and unsubscribe links: a request or a subscription is
 * withdrawn; an attendee who never asked (or already withdrew) is left as they are.
 */
export const withdrawNewsletterStatement = (
  attendeeId: string,
  at: number,
  source: Extract<NewsletterSource, "manage-page" | "unsubscribe">,
) => sql`
  UPDATE attendees SET newsletter_state = 'withdrawn', newsletter_at = ${at}, newsletter_source = ${source},
         updated_at = ${at}
  WHERE id = ${attendeeId} AND newsletter_state IN ('requested', 'confirmed')`;
