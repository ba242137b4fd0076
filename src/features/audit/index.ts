/** Audit: the `audit_log` table; every staff change adds its row in the change's own batch. */

export { auditRoutes } from "./routes.js";
export { type Actor, auditInsert, auditWhen } from "./service.js";
