import { and, eq } from "drizzle-orm";
import { attendees, registrations } from "../../src/db/schema.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import type { TestApp } from "./app.js";
import { linkToken } from "./mailbox.js";

let counter = 0;

/** Registers someone through the public API; the email is unique unless given. */
export function registerFor(t: TestApp, slug: string, overrides: Record<string, unknown> = {}) {
  counter++;
  return t.request("POST", `/api/v1/events/${slug}/registrations`, {
    body: {
      name: `Attendee ${counter}`,
      email: `attendee${counter}@example.org`,
      consent: true,
      ...overrides,
    },
  });
}

/**
 * The manage token in the newest email to `email` that has one, after the due work sent what
 * was queued: the only way an attendee gets it (the registration's answer carries no link).
 */
export async function manageTokenFromEmail(t: TestApp, email: string): Promise<string> {
  await runDueWork(t.deps);
  const message = t.inbox.messages.findLast((m) => m.to.includes(email) && linkToken(m.text, "r"));
  if (!message) throw new Error(`no email with a manage link reached ${email}`);
  return linkToken(message.text, "r")!;
}

/**
 * Registers `email` through the public API (expecting 202) and opens the confirmation: the
 * manage token from the email and the registration's status as stored.
 */
export async function registerAndOpenEmail(
  t: TestApp,
  slug: string,
  email: string,
  extra: Record<string, unknown> = {},
): Promise<{ token: string; status: string }> {
  const res = await registerFor(t, slug, { email, ...extra });
  if (res.status !== 202) throw new Error(`registration failed: ${res.status} ${res.text}`);
  return { token: await manageTokenFromEmail(t, email), status: (await statusOf(t, slug, email))! };
}

/** `email`'s registration at the event `slug` (id and status), if any. */
async function registrationAt(t: TestApp, slug: string, email: string) {
  const { events } = await import("../../src/db/schema.js");
  const [row] = await t.db
    .select({ id: registrations.id, status: registrations.status })
    .from(registrations)
    .innerJoin(attendees, eq(attendees.id, registrations.attendeeId))
    .innerJoin(events, eq(events.id, registrations.eventId))
    .where(and(eq(attendees.email, email.toLowerCase()), eq(events.slug, slug)));
  return row;
}

/** The stored status of `email`'s registration for the event `slug`, if any. */
export const statusOf = async (t: TestApp, slug: string, email: string) =>
  (await registrationAt(t, slug, email))?.status;

/** Outbox rows, oldest first, as the dispatcher would see them. */
export async function outboxRows(t: TestApp) {
  const { outbox } = await import("../../src/db/schema.js");
  const { asc } = await import("drizzle-orm");
  return t.db.select().from(outbox).orderBy(asc(outbox.createdAt), asc(outbox.id));
}

/**
 * A manage token for `email`'s registration at `slug`, minted by the statements an email mints
 * its links with: for tests about what the link does, not how it travels (registerAndOpenEmail).
 */
export async function manageLinkFor(t: TestApp, slug: string, email: string): Promise<string> {
  const { messageTokenStatements } = await import("../../src/features/registrations/index.js");
  const { mintToken } = await import("../../src/lib/tokens.js");
  const { sqlBatch } = await import("../../src/db/batch.js");
  const reg = await registrationAt(t, slug, email);
  if (!reg) throw new Error(`${email} has no registration for ${slug}`);
  const [manage, unsub, join] = [await mintToken(t.deps), await mintToken(t.deps), await mintToken(t.deps)];
  const list = [
    { i: 0, reg: reg.id, manage: manage.hash, unsub: unsub.hash, join: join.hash, rec: 1 as const },
  ];
  await sqlBatch(t.db, messageTokenStatements(list, t.clock.now().getTime(), "any"));
  return manage.token;
}

/** Registers `email` (expecting 202) and mints its manage link: see manageLinkFor. */
export async function registerWithLink(
  t: TestApp,
  slug: string,
  email: string,
  extra: Record<string, unknown> = {},
) {
  const res = await registerFor(t, slug, { email, ...extra });
  if (res.status !== 202) throw new Error(`registration failed: ${res.status} ${res.text}`);
  return { token: await manageLinkFor(t, slug, email), status: (await statusOf(t, slug, email))! };
}

/** `email`'s registration at `slug` as the engine reports it: status and place in the queue. */
export async function standingOf(t: TestApp, slug: string, email: string) {
  const { outcomeOf } = await import("../../src/features/registrations/engine.js");
  const reg = await registrationAt(t, slug, email);
  if (!reg) return undefined;
  const { status, position } = await outcomeOf(t.db, reg.id);
  return { status, position: position === null ? null : Number(position) };
}

/** The address whose registration a join link `{registration id}/{join key}` opens, if any. */
export async function joinLinkOwner(t: Pick<TestApp, "db">, link: string): Promise<string | undefined> {
  const [id, key] = link.split("/");
  const [row] = await t.db
    .select({ email: attendees.email })
    .from(registrations)
    .innerJoin(attendees, eq(attendees.id, registrations.attendeeId))
    .where(and(eq(registrations.id, id ?? ""), eq(registrations.joinKey, key ?? "")));
  return row?.email;
}
