import type { LibSQLDatabase } from "drizzle-orm/libsql";
import type * as schema from "./schema.js";

/**
 * The database handle every query takes (drizzle over libsql or D1, one API; see client.ts).
 * In a file of its own so that batch.ts and client.ts need not import each other.
 */
export type Db = LibSQLDatabase<typeof schema>;
