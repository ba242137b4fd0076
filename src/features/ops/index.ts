/** Ops: /healthz, /metrics (in-process counters) and the /docs rendering of the OpenAPI document. */
export { DOCS_CSS, DOCS_CSS_HASH, docsHeaders, renderDocs } from "./docs.js";
export { Metrics } from "./metrics.js";
export { opsRoutes } from "./routes.js";
