import { describe, expect, it } from "vitest";
import { redactPath } from "../../src/lib/http.js";

describe("access-log paths", () => {
  it.each([
    ["/r/abc123/unsubscribe", "/r/:token/unsubscribe"],
    ["/j/abc123", "/j/:token"],
    ["/j/reg_01abc/0123456789abcdef0123456789abcdef", "/j/:token"],
    ["/r/abc123/join", "/r/:token/join"],
    ["/j/f/reg_1/mac123", "/j/f/reg_1/:mac"],
    ["/feeds/abc/calendar.ics", "/feeds/:token/calendar.ics"],
    ["/api/v1/registrations/abc/cancel", "/api/v1/registrations/:token/cancel"],
    ["/api/v1/registrations/reg_01/promote", "/api/v1/registrations/reg_01/promote"],
    ["/events/nato-at-77", "/events/nato-at-77"],
  ])("never carry capability tokens: %s", (path, logged) => {
    expect(redactPath(path)).toBe(logged);
  });
});
