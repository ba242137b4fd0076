import type { TestApp } from "./app.js";

/** Creates (and by default publishes) an event through the staff API, failing loudly. */
export async function makeEvent(
  t: TestApp,
  key: string,
  overrides: Record<string, unknown> = {},
  options: { publish?: boolean } = {},
) {
  const res = await t.request("POST", "/api/v1/events", {
    key,
    body: {
      title: "Ukraine's critical choice: Pursue peace or fight on",
      format: "virtual",
      startsAt: "2026-04-16T12:00",
      timeZone: "America/New_York",
      durationMinutes: 60,
      joinUrl: "https://zoom.example.com/j/123",
      ...overrides,
    },
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  if (options.publish === false) return res.body;
  const pub = await t.request("POST", `/api/v1/events/${res.body.slug}/publish`, { key });
  if (pub.status !== 200) throw new Error(`publish failed: ${pub.status} ${pub.text}`);
  return pub.body;
}
