import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Scope } from "../db/schema.js";
import type { Deps } from "../deps.js";
import { withoutValues } from "./log.js";
import { Problem } from "./problem.js";

/** Who is calling: the API key behind a staff request. */
export interface Principal {
  keyId: string;
  keyName: string;
  keyPrefix: string;
  scopes: Scope[];
}

/** Resolves a presented API key to its principal, or null when unknown or revoked. */
export type Authenticator = (deps: Deps, presented: string) => Promise<Principal | null>;

export type AppEnv = {
  Variables: {
    deps: Deps;
    requestId: string;
    principal?: Principal;
    authenticate: Authenticator;
  };
};

const REQUEST_ID_RE = /^[\w.-]{1,64}$/;

/** Request id (kept from the caller when well-formed) and one JSON access-log line per request. */
export function requestContext(
  deps: Deps,
  opts: { authenticate: Authenticator; onDone?: (c: Context<AppEnv>, ms: number) => void },
): MiddlewareHandler<AppEnv> {
  const { authenticate, onDone } = opts;
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID_RE.test(incoming) ? incoming : deps.tokens.id("req");
    c.set("deps", deps);
    c.set("requestId", requestId);
    c.set("authenticate", authenticate);
    const started = performance.now();
    await next();
    setResponseHeader(c, "X-Request-Id", requestId);
    const ms = Math.round((performance.now() - started) * 100) / 100;
    onDone?.(c, ms);
    deps.log("info", "request", {
      requestId,
      method: c.req.method,
      path: redactPath(c.req.path),
      route: c.req.routePath,
      status: c.res.status,
      ms,
      key: c.get("principal")?.keyPrefix,
    });
  };
}

/**
 * Sets a header on the response a handler has already returned. Hono's `c.header()` at that
 * point rebuilds the response around its body as a stream (for responses whose headers might be
 * immutable), which on Node turns the server's cheap prebuilt response into a full web Response
 * read back chunk by chunk: that cost ~14% of a JSON request's CPU. Every response this app
 * builds has mutable headers (hono's secureHeaders relies on the same), so set them in place.
 */
export function setResponseHeader(c: Context, name: string, value: string): void {
  c.res.headers.set(name, value);
}

/**
 * Capability tokens travel in URLs (/r/{token}, /j/{token}, /feeds/{token}, the public cancel
 * route); logs must not collect them, since a log reader could then act as the attendee.
 */
export function redactPath(path: string): string {
  return (
    path
      .replace(/^\/r\/[^/]+/, "/r/:token")
      // /j/{token} and /j/{registration id}/{join key}: both parts, the key being the secret.
      .replace(/^\/j\/(?!f\/)[^/]+(\/[^/]+)?/, "/j/:token")
      .replace(/^\/j\/f\/([^/]+)\/[^/]+/, "/j/f/$1/:mac")
      .replace(/^\/feeds\/[^/]+/, "/feeds/:token")
      .replace(/^\/api\/v1\/registrations\/(?!reg_)[^/]+/, "/api/v1/registrations/:token")
  );
}

export function problemResponse(c: Context<AppEnv>, problem: Problem): Response {
  const body = problem.body(c.req.path, c.get("requestId"));
  const res = c.body(JSON.stringify(body), problem.status as ContentfulStatusCode, {
    "Content-Type": "application/problem+json",
    ...problem.headers,
  });
  return res;
}

/** Every error leaves as problem+json; unexpected ones are logged with the request id, no stack. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof Problem) return problemResponse(c, err);
  if (err instanceof HTTPException) {
    return problemResponse(
      c,
      new Problem({
        status: err.status,
        kind: err.status === 400 ? "bad-request" : "http-error",
        title: err.status === 400 ? "Bad request" : "Request failed",
        detail: err.message,
      }),
    );
  }
  c.get("deps")?.log("error", "unhandled error", {
    requestId: c.get("requestId"),
    error: withoutValues(err.message),
    stack: withoutValues(err.stack),
  });
  return problemResponse(
    c,
    new Problem({
      status: 500,
      kind: "internal",
      title: "Internal server error",
      detail: "Something went wrong on our side. Quote the request id if you contact us.",
    }),
  );
}

export function notFoundHandler(c: Context<AppEnv>): Response {
  return problemResponse(
    c,
    new Problem({
      status: 404,
      kind: "not-found",
      title: "Not found",
      detail: `No route for ${c.req.method} ${c.req.path}.`,
    }),
  );
}
