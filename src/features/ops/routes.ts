import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";
import { describe } from "../../lib/validate.js";
import type { Metrics } from "./metrics.js";

const Health = z.object({ status: z.literal("ok"), time: z.string() });

export function opsRoutes(metrics: Metrics) {
  return new Hono<AppEnv>()
    .get(
      "/healthz",
      describe({
        summary: "Liveness and database check",
        tags: ["Operations"],
        responses: {
          200: { description: "Healthy", schema: Health },
          503: { description: "Database unreachable" },
        },
      }),
      async (c) => {
        try {
          await c.var.deps.db.run(sql`select 1`);
        } catch {
          throw new Problem({
            status: 503,
            kind: "unavailable",
            title: "Service unavailable",
            detail: "The database does not answer.",
          });
        }
        return c.json({ status: "ok" as const, time: c.var.deps.clock.now().toISOString() });
      },
    )
    .get(
      "/metrics",
      describe({
        summary: "Prometheus metrics",
        description: "Request counts and latencies by route: not public (they show what is used and when)",
        tags: ["Operations"],
        responses: { 200: { description: "Metrics in text format", contentType: "text/plain" } },
      }),
      requireScope("metrics:read"),
      (c) => c.text(metrics.render(), 200, { "Content-Type": "text/plain; version=0.0.4" }),
    );
}
