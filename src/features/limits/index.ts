/**
 * Limits: per-client budgets counted in the database (owns `rate_limits`), shared by every
 * process and Worker isolate.
 */
export { budgetKey, clientAddress, pruneRateLimits, rateLimitRegistrations } from "./rate-limit.js";
