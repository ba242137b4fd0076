import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

/** Staff routes for the outbox (list, retry dead messages). */
export const outboxRoutes = new Hono<AppEnv>();
