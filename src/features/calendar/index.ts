/**
 * Calendar: iCalendar output (one event, feeds, invitations' VEVENTs with VTIMEZONE), the
 * public and personal feeds with their cache and conditional GET, add-to-calendar links, and
 * the links derived from personal feed tokens (the tokens themselves: registrations).
 */
export { feedCache } from "./feed-cache.js";
export { feedUrl, webcalUrl } from "./feed-tokens.js";
export { buildCalendar } from "./ics.js";
export { resolveFeedJoin } from "./join.js";
export { type CalendarLinks, calendarLinks } from "./links.js";
export { calendarRoutes } from "./routes.js";
