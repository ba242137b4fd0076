import { Hono } from "hono";
import type { AppEnv } from "../../lib/http.js";

export const briefRoutes = new Hono<AppEnv>();
