import { describe, expect, it } from "vitest";
import { feedUrl, webcalUrl } from "../../src/features/calendar/feed-tokens.js";
import { calendarLinks } from "../../src/features/calendar/links.js";
import { config, events } from "../golden/fixtures.js";

describe("add-to-calendar links", () => {
  it("send UTC instants to Google and Outlook, and offer the .ics as download and subscription", () => {
    const links = calendarLinks(events.newYorkSpring!.row, config);
    expect(links.ics).toBe("https://events.example.org/events/ny-spring.ics");
    expect(links.webcal).toBe("webcal://events.example.org/events/ny-spring.ics");
    const google = new URL(links.google);
    expect(google.searchParams.get("dates")).toBe("20260308T073000Z/20260308T083000Z");
    expect(google.searchParams.get("ctz")).toBe("America/New_York");
    expect(google.searchParams.get("text")).toBe(events.newYorkSpring!.row.title);
    const outlook = new URL(links.outlook);
    expect(outlook.searchParams.get("startdt")).toBe("2026-03-08T07:30:00Z");
    expect(outlook.searchParams.get("enddt")).toBe("2026-03-08T08:30:00Z");
    expect(links.office365).toContain("https://outlook.office.com/");
    for (const url of Object.values(links)) expect(url).not.toContain("zoom.example.com");
  });

  it("gives the venue as location for events held somewhere", () => {
    const links = calendarLinks(events.cancelledInPerson!.row, config);
    expect(new URL(links.google).searchParams.get("location")).toBe("1 Main St, Suite 100; Washington, DC");
  });

  it("builds personal feed addresses", () => {
    const url = feedUrl(config, "abc123def456");
    expect(url).toBe("https://events.example.org/feeds/abc123def456/calendar.ics");
    expect(webcalUrl(url)).toBe("webcal://events.example.org/feeds/abc123def456/calendar.ics");
  });
});
