import type { TestApp } from "./app.js";

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

/** Outbox rows, oldest first, as the dispatcher would see them. */
export async function outboxRows(t: TestApp) {
  const { outbox } = await import("../../src/db/schema.js");
  const { asc } = await import("drizzle-orm");
  return t.db.select().from(outbox).orderBy(asc(outbox.createdAt), asc(outbox.id));
}
