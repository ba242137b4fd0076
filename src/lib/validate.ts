import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import { ZodObject, type z } from "zod";
import { type FieldError, Problem } from "./problem.js";

/** Marks middleware with what the OpenAPI generator needs to know about it. */
export const DOC = Symbol.for("convene.openapi");

export type DocMeta =
  | { kind: "input"; target: "json" | "query" | "param"; schema: z.ZodType }
  | { kind: "security"; scope: string; optional?: boolean; orScopes?: string[] }
  | { kind: "op"; op: OperationDoc };

export interface ResponseDoc {
  description: string;
  schema?: z.ZodType;
  contentType?: string;
}

export interface OperationDoc {
  summary: string;
  tags: string[];
  description?: string;
  responses: Record<number, ResponseDoc>;
}

export function withDoc<T extends object>(mw: T, meta: DocMeta): T {
  return Object.assign(mw, { [DOC]: meta });
}

/**
 * At most this many field errors in one answer, each field name cut to 200 characters: a body
 * of 5 MB of unknown keys must not come back as a 36 MB error. The first errors name the fields.
 */
export const MAX_FIELD_ERRORS = 20;
const MAX_FIELD_NAME = 200;

export function zodIssuesToErrors(error: z.ZodError, target: string): FieldError[] {
  const errors: FieldError[] = [];
  const name = (field: string) =>
    field.length > MAX_FIELD_NAME ? `${field.slice(0, MAX_FIELD_NAME)}…` : field;
  for (const issue of error.issues) {
    if (errors.length > MAX_FIELD_ERRORS) break;
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys.slice(0, MAX_FIELD_ERRORS + 1)) {
        errors.push({ field: name(base ? `${base}.${key}` : key), message: "is not a known field" });
      }
      continue;
    }
    errors.push({ field: name(base || target), message: issue.message.slice(0, 500) });
  }
  return errors;
}

export function validationProblem(all: FieldError[]): Problem {
  const errors = all.slice(0, MAX_FIELD_ERRORS);
  const more = all.length > MAX_FIELD_ERRORS ? "; and more" : "";
  return new Problem({
    status: 422,
    kind: "validation",
    title: "Invalid request",
    detail: errors.map((e) => `${e.field}: ${e.message}`).join("; ") + more,
    errors,
  });
}

/**
 * zod-validator with our problem+json body instead of the validator's default, and with
 * the schema attached so /openapi.json is generated from the very schema that validates.
 * A query is read strictly: an unknown (often misspelt) parameter is a 422 naming it, not a
 * filter silently ignored. The document's 422 and 415 are derived from this middleware.
 */
export function validate<Target extends "json" | "query" | "param", S extends z.ZodType>(
  target: Target,
  schema: S,
) {
  const checked =
    target === "query" && schema instanceof ZodObject ? (schema.strict() as unknown as S) : schema;
  const inner = zValidator(target, checked, (result) => {
    if (!result.success)
      throw validationProblem(zodIssuesToErrors(result.error as unknown as z.ZodError, target));
  });
  const mw =
    target === "json"
      ? (((c, next) => requireJson(c, () => inner(c, next) as Promise<void>)) as typeof inner)
      : inner;
  return withDoc(mw, { kind: "input", target, schema });
}

/** Refuses a JSON body sent with another media type instead of silently reading it as `{}`. */
export const requireJson: MiddlewareHandler = async (c, next) => {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
    throw new Problem({
      status: 415,
      kind: "unsupported-media-type",
      title: "Unsupported media type",
      detail: "Send the request body as application/json.",
    });
  }
  await next();
};

/** Operation metadata for the OpenAPI document; does nothing at request time. */
export function describe(op: OperationDoc): MiddlewareHandler {
  const mw: MiddlewareHandler = async (_c, next) => {
    await next();
  };
  return withDoc(mw, { kind: "op", op });
}

export type { ValidationTargets };
