import type { Context } from "hono";
import { type AppEnv, notFoundHandler, problemResponse } from "./http.js";
import { Problem } from "./problem.js";

interface RouteLike {
  method: string;
  path: string;
}

/** A hono route path as a RegExp: `:name` is one segment, `:name{re}` its own pattern, `*` anything. */
export function routeRegExp(path: string): RegExp {
  const source = path
    .split(/(:\w+(?:\{[^}]*\})?|\*)/)
    .map((part) => {
      if (part === "*") return ".*";
      const param = /^:\w+(?:\{([^}]*)\})?$/.exec(part);
      if (param) return param[1] ? `(?:${param[1]})` : "[^/]+";
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}

/**
 * The not-found handler, told apart from "wrong method": a path some route serves, asked with a
 * method none of them takes, answers 405 with `Allow` (RFC 9110 §15.5.6) instead of 404, so a
 * client learns its method is wrong rather than its URL. Hono answers HEAD for every GET route.
 * The patterns are compiled on first use, once the app's routes are all registered.
 */
export function notFoundOrNotAllowed(routes: () => readonly RouteLike[]) {
  let compiled: { method: string; re: RegExp }[] | undefined;
  return (c: Context<AppEnv>): Response => {
    compiled ??= routes()
      .filter((r) => r.method !== "ALL")
      .map((r) => ({ method: r.method, re: routeRegExp(r.path) }));
    const methods = new Set(compiled.filter((r) => r.re.test(c.req.path)).map((r) => r.method));
    if (methods.size === 0) return notFoundHandler(c);
    if (methods.has("GET")) methods.add("HEAD");
    const allow = [...methods].sort().join(", ");
    return problemResponse(
      c,
      new Problem({
        status: 405,
        kind: "method-not-allowed",
        title: "Method not allowed",
        detail: `${c.req.path} does not take ${c.req.method}; it takes ${allow}.`,
        headers: { Allow: allow },
      }),
    );
  };
}
