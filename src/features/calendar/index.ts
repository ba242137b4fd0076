/**
 * Calendar: iCalendar output (one event, feeds, invitations' VEVENTs with VTIMEZONE), the
 * public and personal feeds with their cache and conditional GET, add-to-calendar links, and
 * personal feed tokens (rows of `access_tokens` of kind 'feed').
 */
export { feedCache } from "./feed-cache.js";
export { createFeedToken, feedUrl, rotateFeedToken, webcalUrl } from "./feed-tokens.js";
export { buildCalendar } from "./ics.js";
export { resolveFeedJoin } from "./join.js";
export { type CalendarLinks, calendarLinks } from "./links.js";
export { calendarRoutes } from "./routes.js";
