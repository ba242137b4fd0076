import type { MiddlewareHandler } from "hono";
import type { Scope } from "../db/schema.js";
import type { AppEnv } from "./http.js";
import { Problem } from "./problem.js";
import { withDoc } from "./validate.js";

/**
 * Staff access: the scope checks every route uses. Which key is valid is the auth feature's
 * business (it owns api_keys); createApp hands its `authenticate` to requestContext, which puts
 * it on the request (AppEnv in http.ts), so this shared layer never imports a feature.
 */
export type { Authenticator, Principal } from "./http.js";

const unauthorized = (detail: string) =>
  new Problem({
    status: 401,
    kind: "unauthorized",
    title: "Unauthorized",
    detail,
    headers: { "WWW-Authenticate": 'Bearer realm="convene"' },
  });

/** Bearer API key with the given scope; `admin` holds every scope. */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return withDoc(checkKey(scope, false), { kind: "security", scope });
}

/**
 * Public routes with a richer staff view: no Authorization header means the public view,
 * but a header that is present must be a valid key with the scope (never a silent downgrade).
 */
export function optionalScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return withDoc(checkKey(scope, true), { kind: "security", scope, optional: true });
}

function checkKey(scope: Scope, optional: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (optional && header === undefined) return next();
    if (header === undefined) throw unauthorized("Send a staff API key as `Authorization: Bearer cvn_...`.");
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized("Send a staff API key as `Authorization: Bearer cvn_...`.");
    const principal = await c.var.authenticate(c.var.deps, match[1]!);
    if (!principal) throw unauthorized("The API key is unknown or revoked.");
    if (!hasScope(principal.scopes, scope)) {
      throw new Problem({
        status: 403,
        kind: "forbidden",
        title: "Forbidden",
        detail: `This key lacks the ${scope} scope.`,
      });
    }
    c.set("principal", principal);
    await next();
  };
}

/** `admin` holds every scope and a `:write` scope holds its `:read`. */
export function hasScope(held: Scope[], wanted: Scope): boolean {
  return (
    held.includes("admin") ||
    held.includes(wanted) ||
    held.includes(wanted.replace(/:read$/, ":write") as Scope)
  );
}

/** The actor recorded in the audit log for a staff request. */
export function actorOf(c: {
  get(key: "principal"): AppEnv["Variables"]["principal"];
  get(key: "requestId"): string;
}) {
  const p = c.get("principal");
  return { keyId: p?.keyId ?? null, keyName: p?.keyName ?? null, requestId: c.get("requestId") };
}
