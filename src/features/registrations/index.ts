/**
 * Registrations: `attendees`, `registrations`, `registration_counts` and `access_tokens` (the
 * capability tokens of registrations and attendees, written only by tokens.ts and the engine). The atomic transitions (register, cancel, promote), the public and
 * staff APIs, the attendee's manage/join/erase/unsubscribe actions, and registrants' mail (its
 * queueing statements and its message kind, rendered at send time).
 */
export { type Availability, availability } from "./attendee-availability.js";
export { eraseAttendee } from "./attendee-erase.js";
export { applyJoin, type JoinDecision, resolveJoin, resolveRegistrationJoin } from "./attendee-join.js";
export {
  cancelByToken,
  findManage,
  loadManage,
  type ManageView,
  newsletterByToken,
  rejoinByToken,
  renameByToken,
  requestFeedToken,
} from "./attendee-manage.js";
export { findForUnsubscribe, optOutReminders } from "./attendee-unsubscribe.js";
export { type Admission, promotionStatements, type RegistrationOutcome } from "./engine.js";
export { personalFeedRoutes } from "./feed/calendar.js";
export { resolveFeedJoin } from "./feed/join.js";
export { recipients, reminderAudience, remindersOptedOut } from "./fragments.js";
export { eventCancelledNotices, eventUpdatedInvites } from "./mail/queue.js";
export { registrationMessages } from "./mail/render.js";
export {
  type Newsletter,
  NewsletterOut,
  type NewsletterSource,
  type NewsletterState,
  newsletterOf,
} from "./newsletter.js";
export { registrationRoutes } from "./routes.js";
export { RegistrationBody } from "./schemas.js";
export { closedReason, eventFull, findByToken, registerForEvent } from "./service.js";
export { staffRegistrationRoutes } from "./staff-routes.js";
export {
  createFeedToken,
  joinPath,
  type MessageTokens,
  messageTokenStatements,
  rotateFeedToken,
} from "./tokens.js";
