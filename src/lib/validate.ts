import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type { z } from "zod";
import { type FieldError, Problem } from "./problem.js";

/** Marks middleware with what the OpenAPI generator needs to know about it. */
export const DOC = Symbol.for("convene.openapi");

export type DocMeta =
  | { kind: "input"; target: "json" | "query" | "param"; schema: z.ZodType }
  | { kind: "security"; scope: string }
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

export function zodIssuesToErrors(error: z.ZodError, target: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        errors.push({ field: base ? `${base}.${key}` : key, message: "is not a known field" });
      }
      continue;
    }
    errors.push({ field: base || target, message: issue.message });
  }
  return errors;
}

export function validationProblem(errors: FieldError[]): Problem {
  return new Problem({
    status: 422,
    kind: "validation",
    title: "Invalid request",
    detail: errors.map((e) => `${e.field}: ${e.message}`).join("; "),
    errors,
  });
}

/**
 * zod-validator with our problem+json body instead of the validator's default, and with
 * the schema attached so /openapi.json is generated from the very schema that validates.
 */
export function validate<Target extends "json" | "query" | "param", S extends z.ZodType>(
  target: Target,
  schema: S,
) {
  const inner = zValidator(target, schema, (result) => {
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
