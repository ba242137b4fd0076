import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

/** Staff routes for registrations. */
export const staffRegistrationRoutes = new Hono<AppEnv>();
