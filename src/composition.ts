import { RelatedEventOut, recordingPublished, relatedEventsForBrief } from "./features/archive/index.js";
import type { RelatedEventsOfBrief } from "./features/briefs/index.js";
import { MessageKinds } from "./features/outbox/index.js";
import { registrationMessages } from "./features/registrations/index.js";
import { reminderMessages } from "./features/reminders/index.js";

/**
 * The composition root: where features are handed to the shared mechanisms and to each other
 * against the grain of the feature graph, so that no feature imports one above it. createApp
 * (HTTP) and runDueWork (scheduled work) both build from here.
 */

/** Every kind of message the outbox sends, by template. */
export const messageKinds = new MessageKinds([registrationMessages, reminderMessages(recordingPublished)]);

/** The archive computes the events related to a brief; the briefs API shows them. */
export const relatedEventsOfBrief: RelatedEventsOfBrief = {
  schema: RelatedEventOut,
  list: (db, briefId) => relatedEventsForBrief(db, briefId, 10),
};
