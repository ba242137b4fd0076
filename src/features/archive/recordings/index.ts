/** Recordings of past events: the staff API, their chapters and the notice to registrants. */

export { recordingPublished } from "./fragments.js";
export { recordingRoutes } from "./routes.js";
export { RecordingCreate } from "./schemas.js";
export { createRecording, listRecordings } from "./service.js";
