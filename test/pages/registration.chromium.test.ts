import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { startServer, type TestServer } from "../support/server.js";
import { packages, systemTestsCan } from "../support/system.js";

const can = systemTestsCan("the browser tests", packages.chromium);

/**
 * The attendee's path in a real browser against the real server: event page, form filled with
 * the keyboard only, confirmation, manage page, one-click cancel. Screenshots at phone width
 * go to $SCREENSHOT_DIR when it is set.
 */
let server: TestServer;
let browser: Browser;
let slug: string;

beforeAll(async () => {
  if (!can) return;
  server = await startServer();
  const created = await server.api<{ slug: string }>("POST", "/events", {
    title: "Ukraine's critical choice: Pursue peace or fight on",
    summary: "A one-hour webinar with three experts on the choices ahead.",
    format: "virtual",
    startsAt: "2026-04-16T12:00",
    timeZone: "America/New_York",
    durationMinutes: 60,
    capacity: 100,
    joinUrl: "https://zoom.example.com/j/123",
  });
  await server.api("POST", `/events/${created.slug}/publish`);
  slug = created.slug;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const screenshot = async (page: Page, name: string) => {
  const dir = process.env.SCREENSHOT_DIR;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
};

/** Tabs from the top of the page until `selector` has focus; fails after `max` presses. */
async function tabTo(page: Page, selector: string, max = 30): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press("Tab");
    if (await page.locator(selector).evaluate((el) => el === document.activeElement)) return i;
  }
  throw new Error(`Tab never reached ${selector}`);
}

const focusedId = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el?.id || `${el?.tagName.toLowerCase()}[type=${el?.getAttribute("type")}]`;
  });

describe.skipIf(!can)("registering in a browser", () => {
  it("works with the keyboard alone, from the event page to a cancelled registration", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("response", (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${server.baseUrl}/events/${slug}`);
    await expect(page.locator("h1").textContent()).resolves.toBe(
      "Ukraine's critical choice: Pursue peace or fight on",
    );
    await expect(page.locator("time").first().textContent()).resolves.toBe(
      "Thursday 16 April 2026, 12:00\u201313:00 EDT (UTC\u221204:00)",
    );
    await screenshot(page, "event-page-390");

    // The first Tab lands on the skip link; the form is reached with Tab alone, in reading order,
    // and the honeypot is never in the way.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to main content");
    await tabTo(page, "#f-name");
    await page.keyboard.type("Ada Lovelace");
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("f-email");
    await page.keyboard.type("ada@example.org");
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("f-consent");
    await page.keyboard.press("Space");
    expect(await page.locator("#f-consent").isChecked()).toBe(true);
    // The newsletter box comes next, unticked: passing it by asks for nothing.
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("f-newsletter");
    expect(await page.locator("#f-newsletter").isChecked()).toBe(false);
    await page.keyboard.press("Tab");
    expect(await focusedId(page)).toBe("button[type=submit]");
    await Promise.all([page.waitForURL(`**/events/${slug}/register`), page.keyboard.press("Enter")]);

    await expect(page.locator("h1").textContent()).resolves.toBe("Check your email");
    expect(await page.content()).not.toContain("zoom.example.com");
    expect(await page.content()).not.toContain("/r/");
    await screenshot(page, "confirmation-390");

    // The manage link comes by email, as it does for every attendee.
    await page.goto(await server.manageUrlFromEmail("ada@example.org"));
    await expect(page.locator("dd").first().textContent()).resolves.toBe("Confirmed: you have a seat.");
    expect(await page.getByRole("link", { name: "Join the event" }).getAttribute("href")).toMatch(
      /^\/r\/[0-9a-z]+\/join$/,
    );
    const manageUrl = page.url();
    await screenshot(page, "manage-390");

    await Promise.all([
      page.waitForURL(manageUrl),
      page.getByRole("button", { name: "Cancel my registration" }).click(),
    ]);
    await expect(page.locator("dd").first().textContent()).resolves.toBe("Cancelled.");
    expect(await page.getByRole("button", { name: "Cancel my registration" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Join the event" }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it("shows errors the user can reach: a summary linking to each field", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/events/${slug}`);
    await page.locator("#f-email").fill("not an email");
    await Promise.all([
      page.waitForURL(`**/events/${slug}/register`),
      page.locator("button[type=submit]").click(),
    ]);
    const summary = page.getByRole("alert");
    await expect(summary.locator("h2").textContent()).resolves.toBe("There is a problem");
    expect(await page.locator("#f-email").inputValue()).toBe("not an email");
    expect(await page.locator("#f-email").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "errors-390");
    await summary.getByRole("link", { name: "Enter an email address like name@example.org" }).click();
    expect(await focusedId(page)).toBe("f-email");
    await context.close();
  }, 60_000);
});
