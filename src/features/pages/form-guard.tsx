import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";
import { MessagePage, sendPage } from "../../web/layout.js";
import { rateLimitRegistrations } from "../limits/index.js";

/** The JSON API's per-address registration budget, with a page when it is spent. */
export const formRateLimit: MiddlewareHandler<AppEnv> = async (c, next) => {
  let passed = false;
  try {
    await rateLimitRegistrations(c, async () => {
      passed = true;
    });
  } catch (err) {
    if (!(err instanceof Problem) || err.status !== 429) throw err;
    return sendPage(
      c,
      <MessagePage title="Too many registrations" org={c.var.deps.config.ORG_NAME} tone="warn">
        <p>{`${err.detail ?? "Please try again in a minute."}`}</p>
      </MessagePage>,
      429,
      err.headers ?? {},
    );
  }
  if (passed) await next();
};
