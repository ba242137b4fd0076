import fc from "fast-check";

/**
 * Just enough JSON Schema (2020-12, as zod writes it into /openapi.json) for the contract test:
 * a structural check of answers and arbitraries for requests. No validator is a dependency, and
 * the document uses a small set of keywords: type, properties, required, additionalProperties,
 * items, enum, const, anyOf, not, $ref, min/maxLength, pattern, min/maxItems, minimum/maximum.
 */
export type Schema = Record<string, any>;

/** Resolves `#/...` against the document (components) or the schema the reference sits in ($defs). */
function deref(schema: Schema, doc: Schema, root: Schema): Schema {
  let s = schema;
  for (let hops = 0; typeof s.$ref === "string" && hops < 10; hops++) {
    const [base, pointer = ""] = (s.$ref as string).split("#");
    const from = base === "" && pointer.startsWith("/components") ? doc : root;
    s = pointer
      .split("/")
      .filter(Boolean)
      .reduce<any>((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], from);
    if (!s) throw new Error(`unresolved $ref ${schema.$ref}`);
  }
  return s;
}

const typeOf = (v: unknown): string =>
  v === null
    ? "null"
    : Array.isArray(v)
      ? "array"
      : typeof v === "number" && Number.isInteger(v)
        ? "integer"
        : typeof v;

/**
 * Where `value` breaks `schema`: an empty list when it conforms. Checks types, enum/const,
 * required and declared properties, additionalProperties: false, array items and string bounds.
 */
export function violations(value: unknown, schema: Schema, doc: Schema, at = "$", root = schema): string[] {
  const s = deref(schema, doc, root);
  const out: string[] = [];
  if (s.anyOf) {
    const branches = (s.anyOf as Schema[]).map((b) => violations(value, b, doc, at, root));
    if (!branches.some((b) => b.length === 0))
      out.push(`${at}: matches no anyOf branch (${branches[0]?.[0]})`);
  }
  if (s.allOf) for (const b of s.allOf as Schema[]) out.push(...violations(value, b, doc, at, root));
  if (s.not && violations(value, s.not, doc, at, root).length === 0)
    out.push(`${at}: matches a "not" schema`);
  if (s.enum && !(s.enum as unknown[]).some((e) => e === value))
    out.push(`${at}: ${JSON.stringify(value)} not in enum`);
  if ("const" in s && s.const !== value) out.push(`${at}: is not ${JSON.stringify(s.const)}`);
  if (s.type) {
    const types = ([] as string[]).concat(s.type);
    const actual = typeOf(value);
    const ok = types.includes(actual) || (actual === "integer" && types.includes("number"));
    if (!ok) return [...out, `${at}: is ${actual}, documented ${types.join("|")}`];
  }
  if (typeof value === "string") {
    if (s.maxLength !== undefined && [...value].length > s.maxLength)
      out.push(`${at}: longer than ${s.maxLength}`);
    if (s.minLength !== undefined && [...value].length < s.minLength)
      out.push(`${at}: shorter than ${s.minLength}`);
    if (s.pattern && !new RegExp(s.pattern, "u").test(value)) out.push(`${at}: does not match ${s.pattern}`);
  }
  if (typeof value === "number") {
    if (s.minimum !== undefined && value < s.minimum) out.push(`${at}: below ${s.minimum}`);
    if (s.maximum !== undefined && value > s.maximum) out.push(`${at}: above ${s.maximum}`);
  }
  if (Array.isArray(value)) {
    if (s.maxItems !== undefined && value.length > s.maxItems)
      out.push(`${at}: more than ${s.maxItems} items`);
    if (s.items) {
      for (const [i, v] of value.entries()) out.push(...violations(v, s.items, doc, `${at}[${i}]`, root));
    }
  }
  if (typeOf(value) === "object") {
    const obj = value as Record<string, unknown>;
    for (const name of (s.required as string[] | undefined) ?? []) {
      if (!(name in obj)) out.push(`${at}.${name}: required, missing`);
    }
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const [name, v] of Object.entries(obj)) {
      if (props[name]) out.push(...violations(v, props[name], doc, `${at}.${name}`, root));
      else if (s.additionalProperties === false) out.push(`${at}.${name}: not a documented property`);
      else if (typeof s.additionalProperties === "object")
        out.push(...violations(v, s.additionalProperties, doc, `${at}.${name}`, root));
    }
  }
  return out;
}

/** Values a field of this name is likely to need, so that some generated writes succeed. */
const HINTS: Record<string, fc.Arbitrary<unknown>> = {
  timeZone: fc.constantFrom("Europe/London", "America/New_York", "Mars/Base"),
  email: fc.constantFrom("someone@example.org", "not-an-email"),
  startsAt: fc.constantFrom("2026-05-01T12:00", "2026-02-30T25:00"),
  joinUrl: fc.constantFrom("https://zoom.example.com/j/1", "ftp://nope"),
  consent: fc.boolean(),
  scopes: fc.constantFrom(["admin"], ["events:read"], ["nope"]),
};

const FORMATS: Record<string, fc.Arbitrary<string>> = {
  "date-time": fc
    .date({ min: new Date("2025-01-01"), max: new Date("2028-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString()),
  date: fc
    .date({ min: new Date("2025-01-01"), max: new Date("2028-01-01"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  uri: fc.webUrl(),
  email: fc.emailAddress(),
};

/** A slug-like stand-in for patterns fast-check cannot read (\p{...} classes). */
const wordy = fc.stringMatching(/^[a-z0-9]{1,12}(-[a-z0-9]{1,8})?$/);

function patterned(pattern: string): fc.Arbitrary<string> {
  try {
    return fc.stringMatching(new RegExp(pattern));
  } catch {
    return wordy;
  }
}

/** Anything at all: what a careless or hostile client sends where a value belongs. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 10 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/**
 * Values the schema describes (mostly), for `name` when it is a property. Depth-limited: a
 * schema nested deeper than four levels gets garbage, which is a fine input too.
 */
export function arbitraryFor(
  schema: Schema,
  doc: Schema,
  name = "",
  depth = 0,
  root = schema,
): fc.Arbitrary<unknown> {
  const s = deref(schema, doc, root);
  if (depth > 4) return garbage;
  const hint = HINTS[name];
  const own = ((): fc.Arbitrary<unknown> => {
    if (s.enum) return fc.constantFrom(...(s.enum as unknown[]));
    if ("const" in s) return fc.constant(s.const);
    if (s.anyOf)
      return fc.oneof(...(s.anyOf as Schema[]).map((b) => arbitraryFor(b, doc, name, depth + 1, root)));
    const type = ([] as string[]).concat(s.type ?? "string")[0];
    switch (type) {
      case "string":
        if (s.format && FORMATS[s.format]) return FORMATS[s.format]!;
        if (s.pattern) return patterned(s.pattern);
        return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
      case "integer":
        return fc.integer({ min: s.minimum ?? -10, max: s.maximum ?? 1000 });
      case "number":
        return fc.double({ min: s.minimum ?? -10, max: s.maximum ?? 1000, noNaN: true });
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array":
        return fc.array(arbitraryFor(s.items ?? {}, doc, "", depth + 1, root), {
          minLength: s.minItems ?? 0,
          maxLength: Math.min(s.maxItems ?? 3, 3),
        });
      case "object": {
        const props = (s.properties ?? {}) as Record<string, Schema>;
        const model = Object.fromEntries(
          Object.entries(props).map(([k, v]) => [k, arbitraryFor(v, doc, k, depth + 1, root)]),
        );
        return fc.record(model, { requiredKeys: (s.required as string[] | undefined) ?? [] });
      }
      default:
        return garbage;
    }
  })();
  return hint ? fc.oneof(hint, own) : own;
}
