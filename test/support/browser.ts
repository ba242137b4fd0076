import { type Browser, chromium } from "playwright-core";
import { CHROMIUM } from "./system.js";

/**
 * Debian's chromium through playwright-core. Browser tests ask systemTestsCan first (a missing
 * browser is a visible skip, or a failure in CI: support/system.ts).
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
