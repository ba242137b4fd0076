/**
 * /docs: the OpenAPI document rendered as a plain server-side HTML page. No script, no CDN,
 * so it works offline, behind strict CSPs and in the Worker alike.
 */
type Doc = {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Op>>;
};
type Op = {
  summary: string;
  description?: string;
  tags: string[];
  "x-required-scope"?: string;
  "x-optional-scope"?: string;
  parameters?: { name: string; in: string; required: boolean; schema: unknown; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!,
  );
const json = (v: unknown) => `<pre><code>${esc(JSON.stringify(v, null, 2))}</code></pre>`;

export function renderDocs(document: unknown): string {
  const doc = document as Doc;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const id = `${method}-${path}`.replace(/[^\w-]+/g, "-");
      const scope = op["x-required-scope"];
      const optional = op["x-optional-scope"];
      const params = (op.parameters ?? [])
        .map(
          (p) =>
            `<li><code>${esc(p.name)}</code> (${p.in}${p.required ? ", required" : ""})${p.description ? ` ${esc(p.description)}` : ""}</li>`,
        )
        .join("");
      const body = op.requestBody
        ? `<h4>Request body (application/json)</h4>${json(op.requestBody.content["application/json"]?.schema)}`
        : "";
      const responses = Object.entries(op.responses)
        .map(([status, r]) => {
          const [type, content] = Object.entries(r.content ?? {})[0] ?? [];
          return `<li><strong>${status}</strong> ${esc(r.description)}${type ? ` <code>${esc(type)}</code>` : ""}${content && Number(status) < 400 ? `<details><summary>schema</summary>${json(content.schema)}</details>` : ""}</li>`;
        })
        .join("");
      const html = `<section id="${id}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${esc(path)}</code></h3>
<p>${esc(op.summary)}${op.description ? `. ${esc(op.description)}` : ""}</p>
<p>${scope ? `Requires an API key with scope <code>${esc(scope)}</code>.` : optional ? `Public; a key with <code>${esc(optional)}</code> shows more.` : "Public."}</p>
${params ? `<h4>Parameters</h4><ul>${params}</ul>` : ""}${body}<h4>Responses</h4><ul>${responses}</ul></section>`;
      for (const tag of op.tags) byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const nav = [...byTag.keys()].map((t) => `<li><a href="#tag-${esc(t)}">${esc(t)}</a></li>`).join("");
  const sections = [...byTag]
    .map(([t, ops]) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${ops.join("\n")}`)
    .join("\n");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} API</title><style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#111}
pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:13px}section{border-top:1px solid #ddd;margin-top:1rem}
.m{display:inline-block;min-width:4.5rem;font-family:monospace}.get{color:#05603a}.post{color:#1d4ed8}.patch{color:#8a4b00}.delete{color:#b00020}
</style></head><body><header><h1>${esc(doc.info.title)} API <small>${esc(doc.info.version)}</small></h1>
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Staff routes take <code>Authorization: Bearer cvn_...</code>; errors are <code>application/problem+json</code> (RFC 9457) with <code>errors[]</code> naming fields.</p>
${doc.info.description ? `<p>${esc(doc.info.description)}</p>` : ""}
<nav aria-label="Sections"><ul>${nav}</ul></nav></header><main>${sections}</main></body></html>`;
}
