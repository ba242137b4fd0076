import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

export const peopleRoutes = new Hono<AppEnv>();
