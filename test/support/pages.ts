import { registrations } from "../../src/db/schema.js";
import type { TestApp } from "./app.js";

export const ORIGIN = "https://events.example.org";
export const JOIN = "zoom.example.com";

export function postForm(
  t: TestApp,
  path: string,
  fields: Record<string, string>,
  origin: string | null = ORIGIN,
) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (origin) headers.origin = origin;
  return t.request("POST", path, { body: new URLSearchParams(fields).toString(), headers });
}

export const jsonLd = (html: string) => {
  const m = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/);
  if (!m) throw new Error("no JSON-LD in the page");
  return JSON.parse(m[1]!);
};

export const countRegistrations = async (t: TestApp) => (await t.db.select().from(registrations)).length;

export async function catalogue(t: TestApp, key: string) {
  const person = await t.request("POST", "/api/v1/people", {
    key,
    body: { name: "Jennifer Kavanagh", title: "Director of Military Analysis" },
  });
  const topic = await t.request("POST", "/api/v1/topics", { key, body: { name: "Ukraine-Russia" } });
  const brief = await t.request("POST", "/api/v1/briefs", {
    key,
    body: { title: "The case for a ceasefire", kind: "brief", url: "https://example.org/ceasefire" },
  });
  return { person: person.body.slug, topic: topic.body.slug, brief: brief.body.slug };
}
