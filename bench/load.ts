import autocannon from "autocannon";
import type { Options } from "./report.js";
import type { BenchContext, LoadSpec, Measurement } from "./types.js";

/** Driving load: autocannon runs, fresh ids per request, error summaries, the benchmark context. */
/**
 * Responses with the wrong status count as errors: any non-2xx by default, or anything other
 * than `expectStatus` when the benchmark names one (a 304 run expects 304, and a 200 there
 * would mean revalidation failed).
 */
export function describeErrors(
  r: autocannon.Result,
  expectStatus?: number,
): { errors: number; detail: string } {
  const parts: string[] = [];
  const wrong = (code: string) => (expectStatus ? code !== String(expectStatus) : !code.startsWith("2"));
  let wrongStatus = 0;
  for (const [code, { count }] of Object.entries(r.statusCodeStats ?? {})) {
    if (wrong(code) && count > 0) {
      parts.push(`${code}×${count}`);
      wrongStatus += count;
    }
  }
  // autocannon's `errors` already includes timeouts.
  const connectionErrors = r.errors - r.timeouts;
  if (connectionErrors > 0) parts.push(`${connectionErrors} connection errors`);
  if (r.timeouts > 0) parts.push(`${r.timeouts} timeouts`);
  if (r.mismatches > 0) parts.push(`${r.mismatches} body mismatches`);
  // A run in which no response came back (every request slower than the run) measured nothing.
  const none = r.requests.total === 0 ? 1 : 0;
  if (none) parts.push("no response completed during the run");
  return { errors: r.errors + r.mismatches + wrongStatus + none, detail: parts.join(", ") };
}

/**
 * `[<id>]` in bodies becomes a fresh id per request. autocannon 8's own idReplacement declares
 * a Content-Length for 33-character ids but its url-safe ids are ~24 characters, so servers wait
 * for bytes that never come; rebuilding the request in setupRequest gets the length right.
 */
export function withFreshIds(spec: LoadSpec): autocannon.RequestSpec[] {
  const prefix = Math.random().toString(36).slice(2, 10);
  let n = 0;
  const fresh = (text: string | undefined) =>
    text?.replace(/\[<id>\]/g, () => `${prefix}${(n++).toString(36)}`);
  return (spec.requests ?? [{}]).map((request) => ({
    ...request,
    setupRequest: (req, context) => {
      const built = request.setupRequest ? request.setupRequest(req, context) : req;
      return built && { ...built, body: fresh(built.body) };
    },
  }));
}

let current: autocannon.Instance | undefined;

/** Stops the autocannon run in progress, if any (on SIGINT/SIGTERM). */
export const stopLoad = () => current?.stop();

export function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    current = autocannon(options, (error, result) => {
      current = undefined;
      if (error) reject(error);
      else resolve(result);
    });
  });
}

export function makeContext(
  baseUrl: string,
  adminKey: string,
  options: Options,
  cleanups: (() => void | Promise<void>)[],
): BenchContext {
  const fixtures = new Map<string, Promise<unknown>>();
  const ctx: BenchContext = {
    baseUrl,
    adminKey,
    settings: { duration: options.duration, warmup: options.warmup, connections: options.connections },
    cleanup(fn) {
      cleanups.push(fn);
    },
    async api(method, path, { body, auth = false } = {}) {
      const headers: Record<string, string> = { accept: "application/json" };
      if (auth) headers.authorization = `Bearer ${adminKey}`;
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(new URL(path, baseUrl), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text for error messages
      }
      return { status: res.status, body: parsed };
    },
    fixture<T>(name: string, create: () => Promise<T>): Promise<T> {
      let value = fixtures.get(name);
      if (!value) {
        value = create();
        fixtures.set(name, value);
      }
      return value as Promise<T>;
    },
    async load(spec: LoadSpec): Promise<Measurement> {
      const method = spec.method ?? "GET";
      const url = new URL(spec.path, baseUrl).toString();
      if (new URL(url).origin !== new URL(baseUrl).origin)
        throw new Error(`${spec.path} leaves the bench server`);
      // One unmeasured request first, so a broken endpoint fails clearly instead of being timed.
      if (method === "GET" && !spec.requests) {
        const res = await fetch(url, { headers: spec.headers, signal: AbortSignal.timeout(10_000) });
        const text = await res.text();
        const ok = spec.expectStatus
          ? res.status === spec.expectStatus
          : res.status >= 200 && res.status <= 299;
        if (!ok) {
          const wanted = spec.expectStatus ? `, expected ${spec.expectStatus}` : "";
          throw new Error(
            `GET ${spec.path} answered ${res.status}${wanted} before the run: ${text.slice(0, 300)}`,
          );
        }
      }
      const base: autocannon.Options = {
        url,
        method,
        headers: spec.headers,
        body: spec.body,
        requests: spec.idReplacement ? withFreshIds(spec) : spec.requests,
        connections: spec.connections ?? options.connections,
        timeout: 10,
      };
      if (options.warmup > 0) await cannon({ ...base, duration: options.warmup });
      const r = await cannon({ ...base, duration: options.duration });
      const { errors, detail } = describeErrors(r, spec.expectStatus);
      // Bytes read include the headers, so full bodies of N bytes average more than N a response.
      const perResponse = r.requests.total > 0 ? r.throughput.total / r.requests.total : 0;
      if (spec.minBytesPerResponse && perResponse < spec.minBytesPerResponse) {
        throw new Error(
          `responses averaged ${Math.round(perResponse)} bytes, expected at least ${spec.minBytesPerResponse}`,
        );
      }
      return {
        value: r.requests.average,
        p99Ms: r.latency.p99,
        requests: r.requests.total,
        errors,
        errorDetail: detail,
      };
    },
  };
  return ctx;
}
