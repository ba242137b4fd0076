import { isUniqueViolation } from "../db/errors.js";
import { conflict } from "./problem.js";
import { slugCandidate } from "./slug.js";

/**
 * Runs `attempt` with "base", then "base-2", "base-3"... until the unique index on
 * `column` accepts it. The index decides, not a prior read, so two simultaneous creations
 * with the same title both succeed with different slugs.
 */
export async function withUniqueSlug<T>(
  base: string,
  column: string,
  attempt: (slug: string) => Promise<T>,
  explicit = false,
): Promise<T> {
  for (let n = 1; n <= 50; n++) {
    try {
      return await attempt(slugCandidate(base, n));
    } catch (err) {
      if (!isUniqueViolation(err, column)) throw err;
      if (explicit) throw conflict("slug-taken", `The slug "${base}" is already in use.`);
    }
  }
  throw conflict("slug-taken", `Could not find a free slug for "${base}".`);
}
