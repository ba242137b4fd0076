/**
 * Archive: past events' recordings and what they link to, in four sub-modules:
 * - recordings/: the `recordings` and `recording_chapters` tables, their staff API, the
 *   "recording is out" notice plan;
 * - search/: full-text search (the `archive_fts` index) as an API and the /archive page;
 * - library/: topic, speaker and brief pages, related events;
 * - feeds/: RSS 2.0 and JSON Feed of new recordings.
 */

export {
  type EventCard,
  libraryRoutes,
  RelatedEventOut,
  recordedEvents,
  relatedEventsForBrief,
} from "./library/index.js";
export {
  createRecording,
  listRecordings,
  RecordingCreate,
  recordingPublished,
  recordingRoutes,
} from "./recordings/index.js";
export { archiveApiRoutes, archivePageRoutes } from "./search/index.js";
