/**
 * JSON Schema (as z.toJSONSchema writes it) told as HTML tables for people reading /docs: one
 * row per property, nested objects flattened with dotted names ("speakers[].person") so that
 * a list response's items read like the single resource. Only the shapes the app's schemas
 * use are spelled out; anything else falls back to its raw text, which the page keeps one
 * click away in any case.
 */
export type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  required?: string[];
  description?: string;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  $ref?: string;
};

export const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );

const code = (s: string) => `<code>${esc(s)}</code>`;
const literal = (v: unknown) => code(JSON.stringify(v));

/** The name a $ref points at, linked to its section ("#schema-Problem"). */
export const refLink = (ref: string) => {
  const name = ref.split("/").at(-1) ?? ref;
  return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
};

/** "string (uri)", "integer or null", "array of object", "one of "a", "b"": HTML. */
export function typeText(s: Schema): string {
  if (s.$ref) return refLink(s.$ref);
  if (s.const !== undefined) return literal(s.const);
  if (s.enum) return `one of ${s.enum.map(literal).join(", ")}`;
  if (s.anyOf) return s.anyOf.map(typeText).join(" or ");
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return "any";
  return types
    .map((t) => {
      if (t === "array") return s.items ? `array of ${typeText(s.items)}` : "array";
      if (t === "object" && !s.properties && typeof s.additionalProperties === "object")
        return `map of ${typeText(s.additionalProperties)}`;
      return s.format && t === "string" ? `${t} (${esc(s.format)})` : t;
    })
    .join(" or ");
}

/** Limits and defaults, the part of a schema a client gets wrong first. */
function notes(s: Schema): string[] {
  const out: string[] = [];
  const range = (lo: number | undefined, hi: number | undefined, unit: string) => {
    if (lo !== undefined && hi !== undefined) out.push(`${lo}–${hi}${unit}`);
    else if (lo !== undefined) out.push(`at least ${lo}${unit}`);
    else if (hi !== undefined) out.push(`at most ${hi}${unit}`);
  };
  range(s.minLength, s.maxLength, " characters");
  range(s.minimum, s.maximum, "");
  range(s.minItems, s.maxItems, " items");
  if (s.pattern) out.push(`pattern ${code(s.pattern)}`);
  if (s.default !== undefined) out.push(`default ${literal(s.default)}`);
  return out;
}

/** A nullable field's limits live on its non-null branch: read them there. */
const branches = (s: Schema): Schema[] => [s, ...(s.anyOf ?? []).filter((b) => b.type !== "null")];

/** The object a property leads into, if any: itself, its items, or its non-null branch. */
function inner(s: Schema): { schema: Schema; suffix: string } | null {
  for (const b of branches(s)) {
    if (b.properties) return { schema: b, suffix: "." };
    if (b.items?.properties) return { schema: b.items, suffix: "[]." };
  }
  return null;
}

export type Row = { name: string; type: string; required: boolean; about: string };

/** Rows for an object's properties; nested objects are listed up to `depth` levels below. */
export function propertyRows(s: Schema, prefix = "", depth = 2): Row[] {
  const required = new Set(s.required ?? []);
  const rows: Row[] = [];
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    const description = branches(prop).find((b) => b.description)?.description;
    const about = [description ? esc(description) : "", ...branches(prop).flatMap(notes)]
      .filter(Boolean)
      .join("; ");
    rows.push({ name: prefix + name, type: typeText(prop), required: required.has(name), about });
    const next = inner(prop);
    if (next && depth > 0) rows.push(...propertyRows(next.schema, prefix + name + next.suffix, depth - 1));
  }
  return rows;
}

export function table(head: string[], rows: string[][]): string {
  const th = head.map((h) => `<th scope="col">${h}</th>`).join("");
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

/** A body schema as a table (or a line saying its type when it is not an object), plus its raw text. */
export function bodyHtml(schema: Schema | undefined): string {
  if (!schema) return "";
  const raw = `<details><summary>Raw schema</summary><pre><code>${esc(JSON.stringify(schema, null, 2))}</code></pre></details>`;
  const target = schema.properties ? schema : schema.items?.properties ? schema.items : null;
  if (!target) return `<p>${typeText(schema)}</p>${raw}`;
  const lead = target === schema ? "" : `<p>An array; each item:</p>`;
  const rows = propertyRows(target).map((r) => [code(r.name), r.type, r.required ? "yes" : "", r.about]);
  return `${lead}${table(["Property", "Type", "Required", "Description"], rows)}${raw}`;
}
