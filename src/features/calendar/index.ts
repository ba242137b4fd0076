/**
 * Calendar: iCalendar output (one event, feeds, invitations' VEVENTs with VTIMEZONE), the
 * public and personal feeds with their cache and conditional GET, add-to-calendar links, and
 * the links derived from personal feed tokens (the tokens themselves: registrations).
 */
export { feedCache } from "./feed-cache.js";
export { eventParts, fingerprint } from "./feed-queries.js";
export { feedJoinUrl, feedUrl, macMatches, TOKEN_RE as FEED_TOKEN_RE, webcalUrl } from "./feed-tokens.js";
export type { CalendarSpec } from "./feeds.js";
export { buildCalendar, type CalendarEntry } from "./ics.js";
export { type CalendarLinks, calendarLinks } from "./links.js";
export { serveCalendar } from "./respond.js";
export { calendarRoutes, icsDescription } from "./routes.js";
