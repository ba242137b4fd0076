import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { secureHeaders } from "hono/secure-headers";
import { type AppEnv, setResponseHeader } from "../lib/http.js";
import { MessagePage, sendPage } from "./layout.js";

/**
 * Headers of every HTML page: a CSP that allows our own stylesheet and nothing inline (the
 * pages have no script at all; JSON-LD is a data block, which CSP does not govern), https
 * images, and no framing (the /embed/ blocks have a policy of their own).
 */
export const pageHeaders: MiddlewareHandler<AppEnv> = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'none'"],
    styleSrc: ["'self'"],
    // Experts' photos come from the institute's CDN (any https origin: web/photo.tsx).
    imgSrc: ["'self'", "https:"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: "no-referrer",
});

/** Pages that show a capability token must not be stored by caches or leak it as a Referer. */
export const tokenPage: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  setResponseHeader(c, "Cache-Control", "no-store");
  setResponseHeader(c, "Referrer-Policy", "no-referrer");
  setResponseHeader(c, "X-Robots-Tag", "noindex");
};

// hono/csrf: form posts must come from our own origin (the public URL, or the URL the request
// reached, which differ behind a proxy) or say Sec-Fetch-Site: same-origin.
const originCheck = csrf({
  origin: (origin, c) =>
    origin === new URL(c.req.url).origin ||
    origin === new URL((c as Context<AppEnv>).var.deps.config.PUBLIC_URL).origin,
});

/**
 * The CSRF check, answered with a page instead of an exception. The inner middleware is given a
 * stand-in `next`, so the real handler runs only when the check passed.
 */
export const sameOrigin: MiddlewareHandler<AppEnv> = async (c, next) => {
  let passed = false;
  try {
    await originCheck(c, async () => {
      passed = true;
    });
  } catch {
    passed = false;
  }
  if (!passed) {
    return sendPage(
      c,
      <MessagePage title="Form refused" org={c.var.deps.config.ORG_NAME} tone="warn">
        <p>
          This form was sent from another site, so we did not act on it. Open the page on our site and submit
          the form there.
        </p>
      </MessagePage>,
      403,
    );
  }
  await next();
};

/** 20 questions of 5,000 characters fit in 128 KiB with room to spare. */
export const formBodyLimit: MiddlewareHandler<AppEnv> = bodyLimit({
  maxSize: 128 * 1024,
  onError: (c) =>
    sendPage(
      c as Context<AppEnv>,
      <MessagePage title="Form too large" org={(c as Context<AppEnv>).var.deps.config.ORG_NAME} tone="warn">
        <p>What you sent is larger than any answer to this form can be.</p>
      </MessagePage>,
      413,
    ),
});
