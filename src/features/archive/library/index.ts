/** The library: topic, speaker and brief pages (and their feeds' routes), related events. */
export { libraryRoutes } from "./pages.js";
export { RelatedEventOut, relatedEventsForBrief } from "./related.js";
