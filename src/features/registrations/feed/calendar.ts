import { Hono } from "hono";
import type { Deps } from "../../../deps.js";
import type { AppEnv } from "../../../lib/http.js";
import { tokenKey } from "../../../lib/tokens.js";
import {
  buildCalendar,
  type CalendarEntry,
  type CalendarSpec,
  eventParts,
  FEED_TOKEN_RE,
  feedJoinUrl,
  fingerprint,
  icsDescription,
  serveCalendar,
} from "../../calendar/index.js";
import { loadPersonal, personalDeparted, personalVersion } from "./queries.js";

// Shared caches must not keep a capability URL's answer; the app revalidates with the ETag.
const PRIVATE = "private, no-cache";

/** `/feeds/{token}/calendar.ics`: served by calendar/ like every feed, from registrations' data. */
export async function personalCalendar(deps: Deps, token: string): Promise<CalendarSpec> {
  const { db, config, clock } = deps;
  const now = clock.now();
  const hash = FEED_TOKEN_RE.test(token) ? await tokenKey(token) : null;
  let attendeeId: string | undefined;
  return {
    key: `feed:${hash}`,
    what: "Calendar feed",
    filename: "my-events.ics",
    cacheControl: PRIVATE,
    async version() {
      const v = hash ? await personalVersion(db, hash, now) : null;
      attendeeId = v?.attendeeId;
      return v && { fingerprint: fingerprint(v.parts), last: v.last };
    },
    departed: () => personalDeparted(db, hash!, now),
    async render() {
      const items = await loadPersonal(db, attendeeId!, now);
      const events: CalendarEntry[] = await Promise.all(
        items.map(async (i) => {
          const online = i.row.format !== "in_person" && i.row.joinUrl;
          const confirmed = i.status === "confirmed" && i.row.status === "published";
          return {
            row: i.row,
            rel: i.rel,
            stamp: i.registrationUpdatedAt,
            waitlisted: i.status === "waitlisted",
            ...(online && confirmed
              ? { personalJoinUrl: await feedJoinUrl(config, hash!, i.registrationId) }
              : {}),
          };
        }),
      );
      const body = buildCalendar({
        name: `${config.ORG_NAME}: my events`,
        method: "PUBLISH",
        events,
        config,
        timeZone: config.DEFAULT_TIME_ZONE,
        refreshMinutes: 60,
      });
      // The same parts as personalVersion's: the members', then confirmed seats and the
      // registrations' changes.
      const parts = [
        ...eventParts(
          items.map((i) => i.row),
          (r, n) => Math.max(r.updatedAt.getTime(), items[n]!.registrationUpdatedAt.getTime()),
        ),
        items.filter((i) => i.status === "confirmed").length,
        items.reduce((s, i) => s + i.registrationUpdatedAt.getTime(), 0),
      ];
      return { body, fingerprint: fingerprint(parts) };
    },
  };
}

export const personalFeedRoutes = new Hono<AppEnv>().get(
  "/feeds/:token/calendar.ics",
  icsDescription("An attendee's own events, with personal join links"),
  async (c) => serveCalendar(c, await personalCalendar(c.var.deps, c.req.param("token"))),
);
