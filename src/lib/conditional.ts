import { RETAINED_304_HEADERS } from "hono/etag";

/**
 * Conditional GET (RFC 9110 §13.1.2, §13.1.3, §13.2.2) for handlers that know their
 * validators before rendering: they compute the ETag (and Last-Modified) from a version query,
 * ask `notModified`, and answer 304 without building the body.
 *
 * Why not hono's `hono/etag` middleware: it runs the handler and digests the finished body, so
 * a 304 costs a full render (the calendar-304 and event-read paths exist to avoid exactly that).
 * Its comparison (`etagMatches`) is not exported, and it takes every `"..."` substring of the
 * header as a tag, so `"a" junk "b"` or a list with `*` in it match instead of being refused. What
 * we do reuse is its list of the headers a 304 keeps (`RETAINED_304_HEADERS`, §15.4.5).
 */

/** What a handler's request offers: HonoRequest fits. */
export interface ConditionalRequest {
  readonly method: string;
  header(name: string): string | undefined;
}

export interface Validators {
  /** The ETag(s) a 200 would carry; several when other codings of the same content count too. */
  etag: string | readonly string[];
  /**
   * Last-Modified in epoch ms, or a function that computes it, called only when
   * If-Modified-Since decides (no If-None-Match in the request). null: none.
   */
  lastModified?: number | null | (() => Promise<number | null>);
}

const isOws = (ch: number) => ch === 0x20 || ch === 0x09;

/**
 * Walks an If-None-Match value (`"*" / #entity-tag`, §13.1.2), calling `visit` with the bounds
 * of each opaque tag (quotes included, W/ left out). An opaque tag is DQUOTE *( %x21 / %x23-7E /
 * %x80-FF ) DQUOTE, so it may hold commas but never a DQUOTE or a space; empty list elements
 * are allowed (§5.6.1.2). Returns "*", true when the value parsed as a list, false when not.
 */
function walk(value: string, visit: (start: number, end: number) => void): "*" | boolean {
  const n = value.length;
  let i = 0;
  while (i < n && isOws(value.charCodeAt(i))) i++;
  if (value.charCodeAt(i) === 0x2a /* * */) {
    do i++;
    while (i < n && isOws(value.charCodeAt(i)));
    return i === n ? "*" : false;
  }
  for (;;) {
    while (i < n && isOws(value.charCodeAt(i))) i++;
    if (i === n) return true;
    if (value.charCodeAt(i) === 0x2c /* , */) {
      i++;
      continue;
    }
    if (value.charCodeAt(i) === 0x57 /* W */ && value.charCodeAt(i + 1) === 0x2f /* / */) i += 2;
    if (value.charCodeAt(i) !== 0x22 /* " */) return false;
    const end = value.indexOf('"', i + 1) + 1;
    if (end === 0) return false;
    for (let k = i + 1; k < end - 1; k++) {
      const ch = value.charCodeAt(k);
      if (ch < 0x21 || ch === 0x7f || ch > 0xff) return false;
    }
    visit(i, end);
    i = end;
    while (i < n && isOws(value.charCodeAt(i))) i++;
    if (i < n && value.charCodeAt(i) !== 0x2c) return false;
  }
}

/** The opaque tags an If-None-Match value lists, or "*", or null when it does not parse. */
export function parseIfNoneMatch(value: string): "*" | string[] | null {
  const tags: string[] = [];
  const parsed = walk(value, (start, end) => tags.push(value.slice(start, end)));
  return parsed === "*" ? "*" : parsed ? tags : null;
}

const opaque = (etag: string) => (etag.startsWith("W/") ? etag.slice(2) : etag);

/**
 * Weak comparison of an If-None-Match value with the current ETag(s): true when it is `*` or
 * lists any of them, with or without W/ on either side. A value that does not parse matches
 * nothing, so the client gets a full answer, which is always correct.
 */
export function ifNoneMatchHits(value: string, etag: string | readonly string[]): boolean {
  const current = typeof etag === "string" ? [opaque(etag)] : etag.map(opaque);
  // What calendar apps and browsers send: our own tag back, as it was.
  if (current.includes(value)) return true;
  let hit = false;
  const parsed = walk(value, (start, end) => {
    if (!hit) hit = current.some((tag) => tag.length === end - start && value.startsWith(tag, start));
  });
  return parsed === "*" || (parsed && hit);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const M = MONTHS.join("|");
const IMF_FIXDATE = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) (${M}) (\\d{4}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
const RFC850 = new RegExp(
  `^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-(${M})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT$`,
);
const ASCTIME = new RegExp(
  `^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (${M}) ( \\d|\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})$`,
);

/**
 * An HTTP-date (§5.6.7) in epoch ms, or null when the value is none of its three forms (then
 * If-Modified-Since is ignored, §13.1.3). Two-digit rfc850 years are read as 1970-2069, not
 * relative to the clock as §5.6.7 asks (up to 50 years ahead): the readings differ only for
 * years after 2069, still in the future, where ours gives a full answer instead of a 304.
 */
export function parseHttpDate(value: string): number | null {
  let g = IMF_FIXDATE.exec(value);
  if (g) return utc(Number(g[3]), g[2]!, g[1]!, g[4]!, g[5]!, g[6]!);
  g = RFC850.exec(value);
  if (g) return utc(Number(g[3]) + (Number(g[3]) < 70 ? 2000 : 1900), g[2]!, g[1]!, g[4]!, g[5]!, g[6]!);
  g = ASCTIME.exec(value);
  if (g) return utc(Number(g[6]), g[1]!, g[2]!, g[3]!, g[4]!, g[5]!);
  return null;
}

function utc(year: number, month: string, day: string, h: string, m: string, s: string): number | null {
  const d = Number(day);
  if (Number(h) > 23 || Number(m) > 59 || Number(s) > 60) return null;
  const ms = Date.UTC(year, MONTHS.indexOf(month), d, Number(h), Number(m), Math.min(Number(s), 59));
  // Date.UTC rolls 31 Feb over into March: a day that does not exist is not a date.
  return new Date(ms).getUTCDate() === d ? ms : null;
}

const wholeSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

function byDate(ims: string | undefined, at: number | null): boolean {
  if (at === null || ims === undefined) return false;
  const since = parseHttpDate(ims);
  return since !== null && wholeSeconds(at) <= since;
}

/**
 * Whether a GET or HEAD of a resource that exists gets 304 Not Modified (§13.2.2 steps 3-4):
 * If-None-Match decides when present (also when it does not parse); otherwise If-Modified-Since,
 * against Last-Modified to the second. Other methods: false (they would need 412, not 304).
 * Returns a promise only when `lastModified` is a function.
 */
export function notModified(
  req: ConditionalRequest,
  v: Validators & { lastModified?: number | null },
): boolean;
export function notModified(req: ConditionalRequest, v: Validators): boolean | Promise<boolean>;
export function notModified(req: ConditionalRequest, v: Validators): boolean | Promise<boolean> {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const inm = req.header("if-none-match");
  if (inm !== undefined) return ifNoneMatchHits(inm, v.etag);
  const ims = req.header("if-modified-since");
  if (ims === undefined || v.lastModified === undefined) return false;
  if (typeof v.lastModified === "function") {
    if (parseHttpDate(ims) === null) return false;
    return v.lastModified().then((at) => byDate(ims, at));
  }
  return byDate(ims, v.lastModified);
}

/** The header fields a 304 keeps: those §15.4.5 requires (hono's list) and Last-Modified. */
const KEPT = new Set([...RETAINED_304_HEADERS, "last-modified"]);

/**
 * 304 with the validators and cache fields of the 200 it stands for (pass the 200's headers;
 * Content-Type and other representation metadata are left out, §15.4.5).
 */
export function notModifiedResponse(headers: Record<string, string>): Response {
  const kept: Record<string, string> = {};
  for (const name in headers) if (KEPT.has(name.toLowerCase())) kept[name] = headers[name]!;
  return new Response(null, { status: 304, headers: kept });
}
