/**
 * Programme: staff create, edit, publish, reschedule, cancel and delete events, and each write
 * carries what it sets off elsewhere (invitation updates, promotions, reminder plans) in its
 * one batch. Owns no table: it composes the statements of events, registrations and reminders.
 */
export { programmeRoutes } from "./routes.js";
export { createEvent, deleteEvent, updateEvent } from "./service.js";
export { cancelEvent, publishEvent, rescheduleEvent } from "./transitions.js";
