import { createTestApp, type TestApp } from "./app.js";
import { makeEvent } from "./events.js";
import { registerFor } from "./registrations.js";

export const QUESTIONS = [
  { id: "affiliation", label: "Affiliation", type: "short_text" },
  { id: "question", label: "Your question, for the panel", type: "long_text" },
  { id: "updates", label: "Send me updates", type: "checkbox" },
];

export async function setup(capacity = 10) {
  const t = await createTestApp();
  const admin = await t.key(["admin"]);
  const e = await makeEvent(t, admin, { capacity, questions: QUESTIONS });
  return { t, admin, e };
}

/** Registers one after another, a second apart, so registration order is unambiguous. */
export async function registerAll(t: TestApp, slug: string, people: Record<string, unknown>[]) {
  for (const p of people) {
    await registerFor(t, slug, p);
    t.clock.advance(1000);
  }
}

export const list = (t: TestApp, slug: string, key: string, query = "") =>
  t.request("GET", `/api/v1/events/${slug}/registrations${query}`, { key });

export const csvOf = (t: TestApp, slug: string, key: string, query = "") =>
  t.request("GET", `/api/v1/events/${slug}/registrations${query}`, { key, headers: { accept: "text/csv" } });

export async function auditOf(t: TestApp, key: string, entityType: string) {
  const res = await t.request("GET", `/api/v1/audit-log?entityType=${entityType}&limit=100`, { key });
  return res.body.data as { action: string; entityId: string; before: any; after: any; keyName: string }[];
}
