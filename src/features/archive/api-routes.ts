import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

/** Public archive search API. */
export const archiveApiRoutes = new Hono<AppEnv>();
