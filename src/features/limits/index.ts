/**
 * Limits: per-client budgets counted in the database (owns `rate_limits`), shared by every
 * process and Worker isolate.
 */
export { spendSearch } from "./memory-budget.js";
export {
  budgetKey,
  clientAddress,
  pruneRateLimits,
  rateLimitRegistrations,
  tallyStatement,
} from "./rate-limit.js";
