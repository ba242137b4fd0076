import { describe, expect, it } from "vitest";
import { runDueWork } from "../../src/jobs/due-work.js";
import { createTestApp, engine } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { registerFor } from "../support/registrations.js";

/** The time as the event page writes it under the title. */
const pageTime = (html: string) => /<p class="when meta"><time[^>]*>([^<]+)<\/time>/.exec(html)?.[1];

/** The "When:" line of a plain-text email, and its continuation line. */
const mailTime = (text: string) => {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => l.startsWith("When: "));
  return { local: lines[at]?.slice("When: ".length), utc: lines[at + 1]?.trim() };
};

describe(`an event's time (${engine})`, () => {
  it.each([
    [
      "America/New_York",
      "2026-04-16T12:00",
      60,
      "Thursday 16 April 2026, 12:00\u201313:00 EDT (UTC\u221204:00)",
    ],
    [
      "Asia/Tokyo",
      "2026-04-16T23:30",
      90,
      "Thursday 16 April 2026, 23:30 \u2013 Friday 17 April 2026, 01:00 Tokyo time (UTC+09:00)",
    ],
  ])(
    "reads the same on the event page and in the confirmation and reminder emails (%s)",
    async (timeZone, startsAt, durationMinutes, expected) => {
      const t = await createTestApp();
      const key = await t.key();
      const e = await makeEvent(t, key, { startsAt, timeZone, durationMinutes, reminders: ["P1D"] });
      const page = pageTime((await t.request("GET", `/events/${e.slug}`)).text);
      expect(page).toBe(expected);

      expect((await registerFor(t, e.slug, { email: "ada@example.org" })).status).toBe(202);
      await runDueWork(t.deps);
      const confirmation = t.inbox.messages.at(-1)!;
      expect(mailTime(confirmation.text).local).toBe(page);
      expect(confirmation.html).toContain(`<strong>When:</strong> ${page}<br>`);

      // The UTC line is the same wording, in UTC.
      expect(mailTime(confirmation.text).utc).toMatch(/^\w+day \d{1,2} \w+ 2026, \d\d:\d\d.*\d\d:\d\d UTC$/);

      t.clock.set(new Date(new Date(e.startsAt).getTime() - 24 * 3600_000 + 60_000).toISOString());
      await runDueWork(t.deps);
      const reminder = t.inbox.messages.at(-1)!;
      expect(reminder.subject).toMatch(/^Reminder:/);
      expect(mailTime(reminder.text).local).toBe(page);
    },
  );
});
