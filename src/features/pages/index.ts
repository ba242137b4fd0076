/**
 * Pages: the public HTML site (upcoming events, event pages with the registration form, JSON-LD)
 * and the attendee's own pages (/r/ manage, /j/ join). Owns no table.
 */
export { pageRoutes } from "./routes.js";
