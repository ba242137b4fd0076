import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

/** Staff API for recordings and chapters (archive:write). */
export const recordingRoutes = new Hono<AppEnv>();
