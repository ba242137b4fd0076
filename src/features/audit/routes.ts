import { Hono } from "hono";
import { z } from "zod";
import { requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { Limit } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { listAudit } from "./service.js";

const AuditQuery = z.object({
  entityType: z.string().max(40).optional(),
  entityId: z.string().max(100).optional(),
  limit: Limit,
  cursor: z.string().regex(/^\d+$/, "must be a cursor from a previous page").optional(),
});
const AuditOut = z.object({
  id: z.number(),
  at: z.string(),
  keyId: z.string().nullable(),
  keyName: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  requestId: z.string().nullable(),
});

export const auditRoutes = new Hono<AppEnv>().get(
  "/audit-log",
  describe({
    summary: "Who changed what, newest first",
    tags: ["Audit log"],
    responses: {
      200: {
        description: "Entries",
        schema: z.object({ data: z.array(AuditOut), nextCursor: z.string().nullable() }),
      },
    },
  }),
  requireScope("admin"),
  validate("query", AuditQuery),
  async (c) => {
    const q = c.req.valid("query");
    const page = await listAudit(c.var.deps.db, { ...q, before: q.cursor ? Number(q.cursor) : undefined });
    return c.json({ ...page, data: page.data.map((r) => ({ ...r, at: r.at.toISOString() })) });
  },
);
