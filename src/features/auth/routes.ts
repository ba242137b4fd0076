import { Hono } from "hono";
import { z } from "zod";
import { SCOPES } from "../../db/schema.js";
import { actorOf, requireScope } from "../../lib/access.js";
import type { AppEnv } from "../../lib/http.js";
import { NoQuery } from "../../lib/schemas.js";
import { describe, validate } from "../../lib/validate.js";
import { auditInsert } from "../audit/index.js";
import { createApiKey, type KeyView, listApiKeys, revokeApiKey } from "./service.js";

const KeyCreate = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(SCOPES)).min(1),
});
const KeyOut = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const tags = ["API keys"];
const keyJson = (k: KeyView) => ({
  ...k,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

export const apiKeyRoutes = new Hono<AppEnv>()
  .get(
    "/api-keys",
    describe({
      summary: "List API keys (never the secrets)",
      tags,
      responses: { 200: { description: "Keys", schema: z.object({ data: z.array(KeyOut) }) } },
    }),
    requireScope("admin"),
    validate("query", NoQuery),
    async (c) => c.json({ data: (await listApiKeys(c.var.deps.db)).map(keyJson) }),
  )
  .post(
    "/api-keys",
    describe({
      summary: "Create an API key",
      description: "The key is in this response only; it is stored hashed",
      tags,
      responses: { 201: { description: "Created", schema: KeyOut.extend({ key: z.string() }) } },
    }),
    requireScope("admin"),
    validate("json", KeyCreate),
    async (c) => {
      const { deps } = c.var;
      const { key, record } = await createApiKey(deps, c.req.valid("json"), (r) =>
        auditInsert(deps.db, deps.clock.now(), actorOf(c), {
          action: "api_key.create",
          entityType: "api_key",
          entityId: r.id,
          after: keyJson(r),
        }),
      );
      return c.json({ ...keyJson(record), key }, 201);
    },
  )
  .post(
    "/api-keys/:id/revoke",
    describe({
      summary: "Revoke an API key (by id or prefix)",
      tags,
      responses: { 200: { description: "Revoked", schema: KeyOut }, 404: { description: "Unknown key" } },
    }),
    requireScope("admin"),
    validate("param", z.object({ id: z.string().min(1).max(64) })),
    async (c) => {
      const { deps } = c.var;
      const record = await revokeApiKey(deps, c.req.valid("param").id, (r) =>
        auditInsert(deps.db, deps.clock.now(), actorOf(c), {
          action: "api_key.revoke",
          entityType: "api_key",
          entityId: r.id,
          after: keyJson(r),
        }),
      );
      return c.json(keyJson(record));
    },
  );
