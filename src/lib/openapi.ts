import type { Hono } from "hono";
import { z } from "zod";
import { BLANK_MEANS_ABSENT } from "./schemas.js";
import { DOC, type DocMeta, type OperationDoc } from "./validate.js";

/**
 * Why our own generator and not hono-openapi or @hono/zod-openapi (evaluated with zod 4.6.7,
 * hono 4.13.19, on the 2-core dev machine; the whole app: 33 paths, 49 operations):
 *
 * - hono-openapi 1.3.3 works as this file does (metadata under a symbol on middleware, a walk
 *   of app.routes, several middlewares of one route merged), so describe/validate/requireScope
 *   could feed it without touching a route; fed that way, it built the document in 54-96 ms
 *   cold, 19-38 ms warm (ours: 49-93 ms, 9-33 ms, measured first in the process, so its cold
 *   figure also pays zod's warm-up). But the document is not valid OpenAPI 3.1
 *   (@seriousme/openapi-schema-validator 2.11.0): it splits paths on "/", so
 *   /events/:file{[^/]+\.ics} becomes "/events/{file{[^}/]+\.ics}". Its defaults leave out
 *   /calendar.ics (excludeStaticFile) and add a 400 of its own shape (we answer 422
 *   problem+json); 33 of 49 operationIds change (getApiV1EventsByIdOrSlug); the Worker
 *   bundle grows by 94 KiB (+11.3 KiB gzip): 40 KiB of its packages and 50 KiB of zod (36 of
 *   them locales) that its dynamic import("zod/v4/core") keeps from being tree-shaken; and it
 *   leaves unresolved import("effect"), import("sury"), import("zod-openapi")... in the bundle.
 * - @hono/zod-openapi 1.6.3 describes a route as a createRoute() object registered with
 *   app.openapi(), so adopting it means rewriting every route. Its generator
 *   (@asteasolutions/zod-to-openapi 9.1.0), fed our metadata through its registry, throws on
 *   z.never() (EventUpdate's named refusals) unless each gets an .openapi() annotation; without
 *   that route it took 63-102 ms cold, 22-30 ms warm, and gave a valid 3.1 document with no
 *   operationIds. Worker bundle: +74 KiB (+14.4 KiB gzip).
 * - Ours: valid 3.1, built once per app, 4.3 KiB in a Worker bundle of 1936 KiB (388 KiB gzip).
 */

type JsonSchema = Record<string, unknown>;
type SecurityMeta = Extract<DocMeta, { kind: "security" }>;

const toSchema = (schema: z.ZodType, io: "input" | "output"): JsonSchema =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;

/** A `blank` parameter: its own schema, or empty (or only spaces) for "no filter". */
function blankable(schema: JsonSchema): JsonSchema {
  if (!schema[BLANK_MEANS_ABSENT]) return schema;
  const { [BLANK_MEANS_ABSENT]: _, description, ...value } = schema;
  return {
    ...(description === undefined ? {} : { description }),
    anyOf: [value, { type: "string", pattern: "^\\s*$", description: "Blank: no filter" }],
  };
}

/** An optional key ({} or the key) shows staff fields; a required one is the only way in. */
function securityOf(security: SecurityMeta | undefined) {
  if (!security) return { security: [] };
  const keys = [security.scope, ...(security.orScopes ?? [])].map((s) => ({ apiKey: [s] }));
  return security.optional
    ? { security: [{}, ...keys], "x-optional-scope": security.scope }
    : { security: keys, "x-required-scope": security.scope };
}

/**
 * Builds the OpenAPI 3.1 document by walking the app's registered routes and reading the
 * metadata that `describe`, `validate` and `requireScope` attach to their middleware. The
 * routes, the validating schemas and the document therefore cannot drift apart.
 */
export function buildOpenApi(
  app: { routes: Hono["routes"] },
  info: {
    title: string;
    version: string;
    serverUrl: string;
    /** Outgoing messages (OpenAPI 3.1 `webhooks`): each type's summary and body schema. */
    webhooks?: Record<string, { summary: string; schema: z.ZodType }>;
  },
) {
  const ops = new Map<string, { method: string; path: string; metas: DocMeta[] }>();
  for (const r of app.routes) {
    const meta = (r.handler as unknown as Record<symbol, DocMeta | undefined>)[DOC];
    if (!meta || r.method === "ALL") continue;
    const key = `${r.method} ${r.path}`;
    const entry = ops.get(key) ?? { method: r.method.toLowerCase(), path: r.path, metas: [] };
    entry.metas.push(meta);
    ops.set(key, entry);
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, metas } of ops.values()) {
    const op = metas.find((m): m is { kind: "op"; op: OperationDoc } => m.kind === "op")?.op;
    if (!op) continue;
    const oaPath = path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");
    const parameters: unknown[] = [];
    let requestBody: unknown;
    let security: SecurityMeta | undefined;
    const inputs = new Set<string>();
    for (const m of metas) {
      if (m.kind === "security") security = m;
      if (m.kind !== "input") continue;
      inputs.add(m.target);
      if (m.target === "json") {
        requestBody = {
          required: true,
          content: { "application/json": { schema: toSchema(m.schema, "input") } },
        };
        continue;
      }
      const obj = toSchema(m.schema, "input") as {
        properties?: Record<string, JsonSchema>;
        required?: string[];
      };
      for (const [name, raw] of Object.entries(obj.properties ?? {})) {
        const schema = blankable(raw);
        parameters.push({
          name,
          in: m.target === "param" ? "path" : "query",
          required: m.target === "param" || (obj.required ?? []).includes(name),
          ...(typeof schema.description === "string" ? { description: schema.description } : {}),
          schema,
        });
      }
    }
    // A path parameter no validator describes: its route pattern ({file}: [^/]+\.ics) is still a
    // rule the router applies, so a client sending anything else reaches another route.
    for (const [, name, pattern] of path.matchAll(/:(\w+)(?:\{([^}]*)\})?/g)) {
      if (!parameters.some((p) => (p as { name: string }).name === name)) {
        const schema = { type: "string", ...(pattern ? { pattern: `^(?:${pattern})$` } : {}) };
        parameters.push({ name, in: "path", required: true, schema });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(op.responses)) {
      const type =
        res.contentType ?? (Number(status) >= 400 ? "application/problem+json" : "application/json");
      const schema = res.schema
        ? toSchema(res.schema, "output")
        : Number(status) >= 400
          ? { $ref: "#/components/schemas/Problem" }
          : undefined;
      responses[status] = {
        description: res.description,
        ...(schema || res.contentType ? { content: { [type]: { schema: schema ?? {} } } } : {}),
      };
    }
    const problem = (description: string) => ({
      description,
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    });
    // What the shared middleware can answer, derived from it rather than repeated per route.
    if (security) {
      responses["401"] ??= problem(
        security.optional ? "An Authorization header that is not a valid key" : "Missing or invalid API key",
      );
      const scopes = [security.scope, ...(security.orScopes ?? [])].join(" or ");
      responses["403"] ??= problem(`The key lacks the ${scopes} scope`);
    }
    if (inputs.size) {
      responses["422"] ??= problem(
        inputs.has("query")
          ? "Invalid input, or an unknown query parameter; errors[] names each field"
          : "Invalid input; errors[] names each field",
      );
    }
    if (inputs.has("json")) {
      responses["400"] ??= problem("The body is not well-formed JSON");
      responses["415"] ??= problem("The body is not sent as application/json");
    }
    // Every write is under a body limit (src/lib/body-limits.ts), whatever the route.
    if (method !== "get" && method !== "head") {
      responses["413"] ??= problem("The body is larger than this route accepts");
    }
    paths[oaPath] ??= {};
    paths[oaPath][method] = {
      operationId: `${method}${oaPath.replace(/[{}]/g, "").replace(/[/-](\w)/g, (_, ch: string) => ch.toUpperCase())}`,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: op.tags,
      ...securityOf(security),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses,
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      description:
        "Every error is application/problem+json (components.schemas.Problem): an unknown path is a " +
        "404, and a known path asked with a method it does not take is a 405 whose Allow header " +
        "lists the methods it takes. A list refuses a query parameter it does not know with a 422 " +
        "naming it in errors[].field, as a body refuses an unknown field.",
    },
    servers: [{ url: info.serverUrl }],
    paths,
    webhooks: Object.fromEntries(
      Object.entries(info.webhooks ?? {}).map(([type, w]) => [
        type,
        {
          post: {
            summary: w.summary,
            description:
              "Signed per Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature " +
              '(v1, HMAC-SHA256 of "{id}.{timestamp}.{body}" with the endpoint\'s whsec_ secret). ' +
              "Answer 2xx within 10 s; 410 disables the endpoint; anything else is retried.",
            requestBody: {
              required: true,
              content: { "application/json": { schema: toSchema(w.schema, "output") } },
            },
            responses: {
              "2XX": { description: "Received" },
              "410": { description: "Gone: disable this endpoint" },
            },
          },
        },
      ]),
    ),
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "A staff API key: `Authorization: Bearer cvn_...`",
        },
      },
      schemas: {
        Problem: {
          type: "object",
          description: "RFC 9457 problem details",
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            instance: { type: "string" },
            requestId: { type: "string" },
            errors: {
              type: "array",
              items: {
                type: "object",
                properties: { field: { type: "string" }, message: { type: "string" } },
              },
            },
          },
          required: ["type", "title", "status"],
        },
      },
    },
  };
}
