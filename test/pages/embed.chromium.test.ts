import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../support/browser.js";
import { startServer, type TestServer } from "../support/server.js";
import { packages, systemTestsCan } from "../support/system.js";

const can = systemTestsCan("the embed browser test", packages.chromium);

/**
 * A topic's block framed by a host page in a real browser: the app on localhost:B allows
 * http://127.0.0.1:A (EMBED_ORIGINS); the same host page served from 127.0.0.1:C is refused.
 * With SCREENSHOT_DIR set, the block at 280 px in dark mode is saved there.
 */
let server: TestServer;
let browser: Browser;
let allowed: Server;
let other: Server;
let embedUrl: string;
/** The frame's width in the allowed host page (the dark-mode check narrows it to 280 px). */
let allowedWidth = 320;

/** A host page on 127.0.0.1, a free port, that frames whatever `frame()` says. */
async function hostPage(frame: () => string): Promise<Server> {
  const s = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(`<!doctype html><html><head><title>Institute article</title></head><body>
      <h1>Ukraine-Russia: our analysis</h1>${frame()}</body></html>`);
  });
  await new Promise<void>((resolve, reject) => {
    s.once("error", reject);
    s.listen(0, "127.0.0.1", resolve);
  });
  return s;
}

const origin = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
const iframe = (width: number) =>
  `<iframe id="events" src="${embedUrl}" title="Upcoming events" width="${width}" height="520" style="border:0"></iframe>`;

beforeAll(async () => {
  if (!can) return;
  server = await startServer({ now: "2026-05-01T12:00:00Z" });
  const topic = await server.api<{ slug: string }>("POST", "/topics", { name: "Ukraine-Russia" });
  const moderator = await server.api<{ slug: string }>("POST", "/people", { name: "Daniel DePetris" });
  for (const [title, startsAt] of [
    ["Ukraine's critical choice: Pursue peace or fight on", "2026-06-04T12:00"],
    ["After the ceasefire: who guarantees what?", "2026-06-18T12:00"],
  ] as const) {
    const ev = await server.api<{ slug: string }>("POST", "/events", {
      title,
      format: "virtual",
      startsAt,
      timeZone: "America/New_York",
      durationMinutes: 60,
      joinUrl: "https://zoom.example.com/j/123",
      topics: [topic.slug],
      speakers: [{ person: moderator.slug, role: "moderator" }],
    });
    await server.api("POST", `/events/${ev.slug}/publish`);
  }
  // The app is reached as localhost, so the hosts on 127.0.0.1 are other origins.
  embedUrl = `${server.baseUrl.replace("127.0.0.1", "localhost")}/embed/topics/${topic.slug}`;
  allowed = await hostPage(() => iframe(allowedWidth));
  other = await hostPage(() => iframe(320));
  server.deps.config.EMBED_ORIGINS = [origin(allowed)];
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const s of [allowed, other]) await new Promise((resolve) => (s ? s.close(resolve) : resolve(null)));
});

/** Opens a host page and waits for its load event, which waits for the frame's own load. */
async function open(context: BrowserContext, url: string): Promise<{ page: Page; frame: Frame | null }> {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load", timeout: 15_000 });
  const handle = await page.waitForSelector("iframe#events", { timeout: 5_000 });
  return { page, frame: await handle.contentFrame() };
}

describe.skipIf(!can)("a topic's block framed by another site", () => {
  it("renders in a page from an origin in EMBED_ORIGINS", async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    try {
      const { frame } = await open(context, origin(allowed));
      expect(frame?.url()).toBe(embedUrl);
      const text = await frame!.locator("body").textContent({ timeout: 5_000 });
      expect(text).toContain("Events on Ukraine-Russia");
      expect(text).toContain("Ukraine's critical choice: Pursue peace or fight on");
      expect(text).toContain("After the ceasefire: who guarantees what?");
      const links = await frame!
        .locator("a")
        .evaluateAll((as) => as.map((a) => `${a.getAttribute("target")} ${a.getAttribute("rel")}`));
      expect(new Set(links)).toEqual(new Set(["_blank noopener"]));
    } finally {
      await context.close();
    }
  });

  it("is refused in the same page from an origin not listed", async () => {
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    try {
      const { page, frame } = await open(context, origin(other));
      // Chromium replaces a refused frame's document with its own error page.
      const text = frame ? await frame.evaluate(() => document.body?.innerText ?? "") : "";
      expect(text).not.toContain("Ukraine's critical choice");
      expect(text).not.toContain("Events on Ukraine-Russia");
      // The same frame in the allowed page, opened in this context, does render: the refusal is the origin's.
      const again = await open(context, origin(allowed));
      await expect(again.frame!.locator("h1").textContent()).resolves.toBe("Events on Ukraine-Russia");
      await page.close();
    } finally {
      await context.close();
    }
  });

  it("reads at 280 px wide in dark mode: dark colours, nothing wider than the frame", async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 700 }, colorScheme: "dark" });
    try {
      allowedWidth = 280;
      const { page, frame } = await open(context, origin(allowed));
      const look = await frame!.evaluate(() => ({
        background: getComputedStyle(document.body).backgroundColor,
        color: getComputedStyle(document.body).color,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        width: document.documentElement.clientWidth,
      }));
      expect(look).toEqual({
        background: "rgb(22, 25, 29)",
        color: "rgb(236, 239, 243)",
        overflow: 0,
        width: 280,
      });
      const dir = process.env.SCREENSHOT_DIR;
      if (dir) await page.locator("iframe#events").screenshot({ path: `${dir}/embed-topic-280-dark.png` });
    } finally {
      allowedWidth = 320;
      await context.close();
    }
  });
});
