/**
 * Reminders: the `reminders` table (each event's plan: one row per offset, and the recording
 * notice), the fan-out of due reminders into outbox messages, their message kind (rendered at
 * send time, many at once) and the staff plan API.
 */
export { type FanoutReport, fanOutDueReminders } from "./fanout.js";
export { type RecordingCheck, reminderMessages } from "./render.js";
export { reminderRoutes } from "./routes.js";
export { planRecordingNotice, planStatements, repairMissingPlans } from "./schedule.js";
