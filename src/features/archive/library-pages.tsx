import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

/** Topic, person and brief pages, archive entries and the archive feeds. */
export const libraryRoutes = new Hono<AppEnv>();
