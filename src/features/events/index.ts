/**
 * Events: the `events` table and its link tables (`event_people`, `event_topics`,
 * `event_briefs`), the `change_counters` row they keep. Reads (one JSON document per event,
 * keyset pages, the public read cache), the views and schemas, and the statements the
 * programme feature batches when staff write (guarded update, insert, delete, links).
 */
export { eventsChangeCount, type Kept, stillHolds } from "./change-count.js";
export {
  type EventFeedReads,
  eventFeedReads,
  FEED_WINDOW_MS,
  type FeedEvent,
  feedMembers,
  feedScope,
  loadFeedEvents,
  loadFeedRows,
  withRelations,
} from "./feed-reads.js";
export {
  eventFactsJson,
  eventHasStatus,
  eventOnline,
  eventOpenAt,
  eventPayload,
  eventPayloadText,
  eventScheduleIs,
  eventSeating,
  eventValue,
  upcomingWithReminders,
} from "./fragments.js";
export { linkStatements, mergeRelations, resolveLinks } from "./links.js";
export { dueInstant, leadMs, offsetWords, ReminderOffsets } from "./offsets.js";
export {
  type EventRow,
  type EventStatus,
  type EventWithRelations,
  eventDocs,
  eventFromDoc,
  findEvent,
  findEventWithRelations,
  listEvents,
  loadRelations,
  type Relations,
} from "./queries.js";
export { checkAnswers, normaliseQuestions } from "./questions.js";
export { readCache } from "./read-cache.js";
export { eventRoutes } from "./routes.js";
export { eventBriefRows, eventPersonRows, eventRows, eventTopicRows } from "./rows.js";
export {
  BriefRef,
  EventCreate,
  type EventCreateInput,
  EventOut,
  EventReschedule,
  type EventRescheduleInput,
  EventUpdate,
  type EventUpdateInput,
  type EventView,
  LocalTimes,
  SpeakerRef,
  TopicRef,
} from "./schemas.js";
export { getEventView, requireEvent } from "./service.js";
export { touchEvent } from "./touch.js";
export { eventView } from "./view.js";
export {
  calendarVisibleChange,
  deleteEventStatement,
  guardedUpdate,
  insertEventStatement,
  resolveSchedule,
  resolveWindow,
  runGuarded,
} from "./write.js";
