import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

/** Archive pages (/archive and its search page). */
export const archivePageRoutes = new Hono<AppEnv>();
