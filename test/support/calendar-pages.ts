import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { accessTokens } from "../../src/db/schema.js";
import type { TestApp } from "./app.js";
import { registerWithLink } from "./registrations.js";

/** "Add to calendar" on the event and manage pages, and the personal feed link on the manage page. */

export const ORIGIN = "https://events.example.org";
export const JOIN_URL = "https://zoom.example.com/j/123";
export const NAMES = {
  google: "Add to Google Calendar",
  outlook: "Add to Outlook.com",
  office365: "Add to Outlook (Microsoft 365)",
  ics: "Download the calendar file (.ics)",
  all: "Subscribe to all Defense Priorities events",
} as const;

export const decodeHtml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

/** Every <a> of a page as [accessible name (its text), href]. */
export function anchors(html: string): [string, string][] {
  return [...html.matchAll(/<a\s([^>]*)>([\s\S]*?)<\/a>/g)].map((m) => [
    decodeHtml(m[2]!.replace(/<[^>]+>/g, "").trim()),
    decodeHtml(/href="([^"]*)"/.exec(m[1]!)?.[1] ?? ""),
  ]);
}

/** The href of the one link with this accessible name, or undefined when there is none. */
export function link(html: string, name: string): string | undefined {
  const found = anchors(html).filter(([text]) => text === name);
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.[1];
}

export function post(t: TestApp, path: string, origin: string | null = ORIGIN) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (origin) headers.origin = origin;
  return t.request("POST", path, { body: "", headers });
}

export async function manageToken(t: TestApp, slug: string, email: string) {
  return (await registerWithLink(t, slug, email)).token;
}

export const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
export const joinLinkIn = (ics: string) => new URL(/LOCATION:(\S+\/j\/f\/\S+)/.exec(unfold(ics))![1]!);

export const feedTokens = (t: TestApp) =>
  t.db.select().from(accessTokens).where(eq(accessTokens.kind, "feed"));
