/**
 * The one error type. Everything that goes wrong on purpose is a Problem and is
 * rendered as RFC 9457 application/problem+json; anything else becomes a logged 500.
 */
export interface FieldError {
  /** Dotted path of the offending field, e.g. "speakers.0.person" or "startsAt". */
  field: string;
  message: string;
}

export interface ProblemInit {
  status: number;
  /** Short machine-readable kind; rendered as the `type` URI `/problems/{kind}`. */
  kind: string;
  title: string;
  detail?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
}

export class Problem extends Error {
  readonly status: number;
  readonly kind: string;
  readonly title: string;
  readonly detail?: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;

  constructor(init: ProblemInit) {
    super(init.detail ?? init.title);
    this.status = init.status;
    this.kind = init.kind;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors;
    this.headers = init.headers;
  }

  body(instance: string, requestId?: string): Record<string, unknown> {
    return {
      type: `/problems/${this.kind}`,
      title: this.title,
      status: this.status,
      ...(this.detail ? { detail: this.detail } : {}),
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(requestId ? { requestId } : {}),
    };
  }
}

export const notFound = (what: string) =>
  new Problem({ status: 404, kind: "not-found", title: "Not found", detail: `${what} was not found.` });

export const conflict = (kind: string, detail: string) =>
  new Problem({ status: 409, kind, title: "Conflict", detail });

/** A 422 about a single field: the shape every validation failure takes. */
export const invalidField = (field: string, message: string, kind = "validation") =>
  new Problem({
    status: 422,
    kind,
    title: "Invalid request",
    detail: `${field}: ${message}`,
    errors: [{ field, message }],
  });
