import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

/** Public server-rendered pages. */
export const pageRoutes = new Hono<AppEnv>();
