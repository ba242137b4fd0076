import { describe, expect, it } from "vitest";
import {
  ifNoneMatchHits,
  notModified,
  notModifiedResponse,
  parseHttpDate,
  parseIfNoneMatch,
} from "../../src/lib/conditional.js";

const req = (headers: Record<string, string>, method = "GET") => ({
  method,
  header: (name: string) => headers[name],
});

describe("If-None-Match parsing (RFC 9110 §8.8.3, §13.1.2)", () => {
  it("reads a list of strong and weak tags, dropping W/", () => {
    expect(parseIfNoneMatch('"a", W/"b",\t"c"')).toEqual(['"a"', '"b"', '"c"']);
    expect(parseIfNoneMatch('"a","b"')).toEqual(['"a"', '"b"']);
  });

  it("keeps commas inside a tag and ignores empty list elements", () => {
    expect(parseIfNoneMatch('"a,b", "c"')).toEqual(['"a,b"', '"c"']);
    expect(parseIfNoneMatch(' , "a",, "b" ,')).toEqual(['"a"', '"b"']);
    expect(parseIfNoneMatch("")).toEqual([]);
    expect(parseIfNoneMatch('""')).toEqual(['""']);
  });

  it("reads * alone, and refuses * in a list", () => {
    expect(parseIfNoneMatch("*")).toBe("*");
    expect(parseIfNoneMatch(" * ")).toBe("*");
    expect(parseIfNoneMatch('*, "a"')).toBeNull();
    expect(parseIfNoneMatch('"a", *')).toBeNull();
  });

  it("refuses what is not a list of entity-tags", () => {
    for (const bad of [
      "a",
      '"a',
      '"a" "b"',
      '"a"b',
      'w/"a"',
      'W/ "a"',
      '"a b"',
      '"a"; "b"',
      'W/"a", junk',
      '"\u0100"',
    ]) {
      expect(parseIfNoneMatch(bad), bad).toBeNull();
    }
  });
});

describe("weak comparison of If-None-Match with the current ETag", () => {
  it("matches strong and weak on either side", () => {
    expect(ifNoneMatchHits('"v1"', '"v1"')).toBe(true);
    expect(ifNoneMatchHits('W/"v1"', '"v1"')).toBe(true);
    expect(ifNoneMatchHits('"v1"', 'W/"v1"')).toBe(true);
    expect(ifNoneMatchHits('W/"v1"', 'W/"v1"')).toBe(true);
    expect(ifNoneMatchHits('"v2"', '"v1"')).toBe(false);
    expect(ifNoneMatchHits('W/"v2"', 'W/"v1"')).toBe(false);
  });

  it("matches any member of a list, against any of several current tags", () => {
    expect(ifNoneMatchHits('W/"v1", "other"', '"v1"')).toBe(true);
    expect(ifNoneMatchHits('"x", "y", W/"v1"', '"v1"')).toBe(true);
    expect(ifNoneMatchHits('"v1-gzip"', ['"v1"', '"v1-gzip"'])).toBe(true);
    expect(ifNoneMatchHits('"x", "y"', ['"v1"', '"v1-gzip"'])).toBe(false);
    // A tag that holds a comma is one tag, not two.
    expect(ifNoneMatchHits('"x,v1"', '"v1"')).toBe(false);
    expect(ifNoneMatchHits('"x,"v1"', '"v1"')).toBe(false);
  });

  it("matches * whatever the tag, and nothing when the value does not parse", () => {
    expect(ifNoneMatchHits("*", '"v1"')).toBe(true);
    expect(ifNoneMatchHits("v1", '"v1"')).toBe(false);
    expect(ifNoneMatchHits('"v1" junk', '"v1"')).toBe(false);
    expect(ifNoneMatchHits('*, "v1"', '"v1"')).toBe(false);
    expect(ifNoneMatchHits("", '"v1"')).toBe(false);
  });
});

describe("HTTP-date (§5.6.7)", () => {
  const at = Date.UTC(1994, 10, 6, 8, 49, 37);
  it("reads the three forms", () => {
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(at);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(at);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(at);
    expect(parseHttpDate(new Date(at).toUTCString())).toBe(at);
  });

  it("refuses other dates, lists and days that do not exist", () => {
    for (const bad of [
      "1994-11-06T08:49:37Z",
      "1994",
      "Sun, 06 Nov 1994 08:49:37 +0000",
      "Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT",
      "Mon, 31 Feb 2025 10:00:00 GMT",
      "Mon, 01 Feb 2025 25:00:00 GMT",
      "",
    ]) {
      expect(parseHttpDate(bad), bad).toBeNull();
    }
  });
});

describe("notModified (§13.2.2)", () => {
  const etag = '"v1"';
  const lastModified = Date.parse("2026-01-15T12:00:00.500Z");
  const same = "Thu, 15 Jan 2026 12:00:00 GMT";
  const before = "Thu, 15 Jan 2026 11:59:59 GMT";

  it("answers If-None-Match for GET and HEAD only", () => {
    expect(notModified(req({ "if-none-match": 'W/"v1", "other"' }), { etag })).toBe(true);
    expect(notModified(req({ "if-none-match": '"v1"' }, "HEAD"), { etag })).toBe(true);
    expect(notModified(req({ "if-none-match": '"v1"' }, "POST"), { etag })).toBe(false);
    expect(notModified(req({}), { etag })).toBe(false);
  });

  it("compares If-Modified-Since with Last-Modified to the second", () => {
    expect(notModified(req({ "if-modified-since": same }), { etag, lastModified })).toBe(true);
    expect(notModified(req({ "if-modified-since": before }), { etag, lastModified })).toBe(false);
    expect(notModified(req({ "if-modified-since": same }), { etag, lastModified: null })).toBe(false);
    expect(notModified(req({ "if-modified-since": same }), { etag })).toBe(false);
    expect(notModified(req({ "if-modified-since": "2026-01-16" }), { etag, lastModified })).toBe(false);
  });

  it("ignores If-Modified-Since whenever If-None-Match is present, even unparsable", () => {
    const both = (inm: string) => req({ "if-none-match": inm, "if-modified-since": same });
    expect(notModified(both('"other"'), { etag, lastModified })).toBe(false);
    expect(notModified(both("garbage"), { etag, lastModified })).toBe(false);
    expect(notModified(both('"v1"'), { etag, lastModified: 0 })).toBe(true);
  });

  it("computes a lazy Last-Modified only when If-Modified-Since decides", async () => {
    let calls = 0;
    const lazy = async () => {
      calls++;
      return lastModified;
    };
    expect(notModified(req({ "if-none-match": '"v1"' }), { etag, lastModified: lazy })).toBe(true);
    expect(notModified(req({}), { etag, lastModified: lazy })).toBe(false);
    expect(notModified(req({ "if-modified-since": "yesterday" }), { etag, lastModified: lazy })).toBe(false);
    expect(calls).toBe(0);
    expect(await notModified(req({ "if-modified-since": same }), { etag, lastModified: lazy })).toBe(true);
    expect(await notModified(req({ "if-modified-since": before }), { etag, lastModified: lazy })).toBe(false);
    expect(calls).toBe(2);
  });
});

describe("notModifiedResponse", () => {
  it("keeps the validators and cache fields of the 200, and no body or content metadata", async () => {
    const res = notModifiedResponse({
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": 'inline; filename="calendar.ics"',
      "Cache-Control": "public, max-age=300",
      Vary: "Accept-Encoding",
      ETag: '"v1"',
      "Last-Modified": "Thu, 15 Jan 2026 12:00:00 GMT",
    });
    expect(res.status).toBe(304);
    expect(await res.text()).toBe("");
    expect(Object.fromEntries(res.headers)).toEqual({
      "cache-control": "public, max-age=300",
      vary: "Accept-Encoding",
      etag: '"v1"',
      "last-modified": "Thu, 15 Jan 2026 12:00:00 GMT",
    });
  });
});
