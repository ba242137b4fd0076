/** Ops: /healthz, /metrics (in-process counters) and the /docs rendering of the OpenAPI document. */
export { renderDocs } from "./docs.js";
export { Metrics } from "./metrics.js";
export { opsRoutes } from "./routes.js";
