import { secureHeaders } from "hono/secure-headers";
import { bodyHtml, esc, propertyRows, type Schema, table, typeText } from "./schema-table.js";

/**
 * /docs: the OpenAPI document rendered as a plain server-side HTML page. No script, no CDN,
 * so it works offline, behind strict CSPs and in the Worker alike.
 */
type Doc = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Op>>;
  components?: { schemas?: Record<string, Schema> };
};
type Op = {
  summary: string;
  description?: string;
  tags: string[];
  "x-required-scope"?: string;
  "x-optional-scope"?: string;
  parameters?: { name: string; in: string; required: boolean; schema: Schema; description?: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Schema }> }>;
};

/** The page's only style, inline; the CSP below admits exactly this text by its hash. */
export const DOCS_CSS = `body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#111}
pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:13px}section{border-top:1px solid #ddd;margin-top:1rem}
.m{display:inline-block;min-width:4.5rem;font-family:monospace}.get{color:#05603a}.post{color:#1d4ed8}.patch{color:#8a4b00}.delete{color:#b00020}
table{border-collapse:collapse;width:100%;font-size:14px;margin:.5rem 0}th,td{text-align:left;vertical-align:top;padding:.25rem .5rem;border-bottom:1px solid #ddd}
td:first-child{white-space:nowrap}details{margin:.25rem 0 1rem}summary{cursor:pointer;color:#555}
`;

/** SHA-256 of DOCS_CSS (test/platform/docs-csp.test.ts recomputes it from the page, so an edit cannot drift). */
export const DOCS_CSS_HASH = "sha256-ltMYD8mddbhQiRRRBgKSkj/mO7GqYKqeZzo4wWZ3n8I=";

/** /docs has no script and loads nothing: the CSP says so, and forbids framing it. */
export const docsHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: [`'${DOCS_CSS_HASH}'`],
    baseUri: ["'none'"],
    formAction: ["'none'"],
    frameAncestors: ["'none'"],
  },
  referrerPolicy: "no-referrer",
});

export function renderDocs(document: unknown): string {
  const doc = document as Doc;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const id = `${method}-${path}`.replace(/[^\w-]+/g, "-");
      const scope = op["x-required-scope"];
      const optional = op["x-optional-scope"];
      const params = op.parameters?.length
        ? table(
            ["Name", "In", "Required", "Type", "Description"],
            op.parameters.map((p) => {
              // The parameter's own text and its schema's limits, as a body property's would read.
              const row = propertyRows({
                properties: { [p.name]: { description: p.description, ...p.schema } },
              })[0]!;
              return [`<code>${esc(p.name)}</code>`, esc(p.in), p.required ? "yes" : "", row.type, row.about];
            }),
          )
        : "";
      const body = op.requestBody
        ? `<h4>Request body (application/json)</h4>${bodyHtml(op.requestBody.content["application/json"]?.schema)}`
        : "";
      // Errors all share one shape (Problem, listed once at the end); only successes get a table.
      const responses = Object.entries(op.responses)
        .map(([status, r]) => {
          const [type, content] = Object.entries(r.content ?? {})[0] ?? [];
          const shape = content?.schema.$ref ? ` (${typeText(content.schema)})` : "";
          const head = `<strong>${status}</strong> ${esc(r.description)}${type ? ` <code>${esc(type)}</code>${shape}` : ""}`;
          return `<li>${head}${content && !shape && type === "application/json" ? bodyHtml(content.schema) : ""}</li>`;
        })
        .join("");
      const html = `<section id="${id}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}${op.description ? `. ${esc(op.description)}` : ""}</p>
<p>${scope ? `Requires an API key with scope <code>${esc(scope)}</code>.` : optional ? `Public; a key with <code>${esc(optional)}</code> shows more.` : "Public."}</p>
${params ? `<h4>Parameters</h4>${params}` : ""}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
      for (const tag of op.tags) byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const nav = [...byTag.keys()].map((t) => `<li><a href="#tag-${esc(t)}">${esc(t)}</a></li>`).join("");
  const sections = [...byTag]
    .map(([t, ops]) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${ops.join("\n")}`)
    .join("\n");
  // Shared shapes ($ref targets: the Problem every error answers with), each told once.
  const shared = Object.entries(doc.components?.schemas ?? {})
    .map(
      ([name, schema]) =>
        `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${schema.description ? `<p>${esc(schema.description)}</p>` : ""}${bodyHtml(schema)}</section>`,
    )
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} API</title><style>${DOCS_CSS}</style></head><body><header><h1>${esc(doc.info.title)} API <small>${esc(doc.info.version)}</small></h1>
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Staff routes take <code>Authorization: Bearer cvn_...</code>; errors are <code>application/problem+json</code> (RFC 9457) with <code>errors[]</code> naming fields.</p>
${doc.info.description ? `<p>${esc(doc.info.description)}</p>` : ""}
<nav aria-label="Sections"><ul>${nav}${shared ? `<li><a href="#schemas">Shared schemas</a></li>` : ""}</ul></nav></header><main>${sections}${shared ? `\n<h2 id="schemas">Shared schemas</h2>${shared}` : ""}</main></body></html>`;
}
