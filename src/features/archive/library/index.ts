/** The library: topic, speaker and brief pages (and their feeds' routes), related events. */
export { libraryRoutes } from "./pages.js";
export { type EventCard, recordedEvents } from "./queries.js";
export { RelatedEventOut, relatedEventsForBrief } from "./related.js";
