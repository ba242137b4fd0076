import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./http.js";
import { Problem } from "./problem.js";

/**
 * One body limit on every route, decided before the body is read: hono's bodyLimit answers from
 * Content-Length at once, and counts a chunked body as it streams, so a 600 MB upload is refused
 * after its first megabyte instead of being buffered. Routes with a tighter limit of their own
 * (the public forms: src/web/guards.tsx; the attendance CSV) answer first within this one.
 */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** The public registration: 20 answers of 5,000 characters fit with room to spare. */
export const PUBLIC_WRITE_LIMIT = 128 * 1024;
/** The attendance CSV has its own 5 MB limit, answered by its route (with its field name). */
const UPLOAD_LIMIT = 6 * 1024 * 1024;

const PUBLIC_REGISTRATION = /^\/api\/v1\/events\/[^/]+\/registrations$/;
const ATTENDANCE = /^\/api\/v1\/events\/[^/]+\/attendance$/;

function tooLarge(maxSize: number): never {
  throw new Problem({
    status: 413,
    kind: "payload-too-large",
    title: "Payload too large",
    detail: `The request body must be at most ${maxSize / 1024} KiB.`,
    errors: [{ field: "body", message: `is larger than ${maxSize / 1024} KiB` }],
  });
}

const limited = (maxSize: number): MiddlewareHandler<AppEnv> =>
  bodyLimit({ maxSize, onError: () => tooLarge(maxSize) });

const byLimit = new Map<number, MiddlewareHandler<AppEnv>>();
const middlewareFor = (maxSize: number) => {
  let mw = byLimit.get(maxSize);
  if (!mw) {
    mw = limited(maxSize);
    byLimit.set(maxSize, mw);
  }
  return mw;
};

export function limitFor(method: string, path: string): number {
  if (method === "POST" && PUBLIC_REGISTRATION.test(path)) return PUBLIC_WRITE_LIMIT;
  if (method === "POST" && ATTENDANCE.test(path)) return UPLOAD_LIMIT;
  return DEFAULT_BODY_LIMIT;
}

/**
 * Content-Length decides most requests without touching `c.req.raw.body` (on the Node server
 * that alone builds a web ReadableStream per request: registrations fell from 0.59 to 0.33 of
 * the bare-insert baseline). Anything else is counted as it streams.
 */
export const bodyLimits: MiddlewareHandler<AppEnv> = (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const max = limitFor(c.req.method, c.req.path);
  const length = c.req.header("content-length");
  if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
    return Number(length) <= max ? next() : tooLarge(max);
  }
  // Chunked, or a Request built in process (tests, workerd) whose length is not a header.
  return middlewareFor(max)(c, next);
};
