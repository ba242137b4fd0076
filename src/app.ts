import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { relatedEventsOfBrief } from "./composition.js";
import type { Deps } from "./deps.js";
import {
  archiveApiRoutes,
  archivePageRoutes,
  libraryRoutes,
  recordingRoutes,
} from "./features/archive/index.js";
import { auditRoutes } from "./features/audit/index.js";
import { apiKeyRoutes, authenticate } from "./features/auth/index.js";
import { briefRoutes } from "./features/briefs/index.js";
import { calendarRoutes } from "./features/calendar/index.js";
import { embedRoutes, isEmbedPath } from "./features/embeds/index.js";
import { eventRoutes } from "./features/events/index.js";
import { docsHeaders, Metrics, opsRoutes, renderDocs } from "./features/ops/index.js";
import { outboxRoutes } from "./features/outbox/index.js";
import { pageRoutes } from "./features/pages/index.js";
import { peopleRoutes } from "./features/people/index.js";
import { programmeRoutes } from "./features/programme/index.js";
import {
  personalFeedRoutes,
  registrationRoutes,
  staffRegistrationRoutes,
} from "./features/registrations/index.js";
import { reminderRoutes } from "./features/reminders/index.js";
import { topicRoutes } from "./features/topics/index.js";
import { WEBHOOK_PAYLOADS, webhookRoutes } from "./features/webhooks/index.js";
import { notFoundOrNotAllowed } from "./lib/allow.js";
import { bodyLimits } from "./lib/body-limits.js";
import { type AppEnv, onError, requestContext } from "./lib/http.js";
import { buildOpenApi } from "./lib/openapi.js";

export const VERSION = "0.1.0";

/** Builds the whole HTTP app from its dependencies; entry points only build deps and serve. */
export function createApp(deps: Deps) {
  const metrics = new Metrics();
  const app = new Hono<AppEnv>();
  const headers = secureHeaders();
  // The embeds' own CSP frame-ancestors decides who may frame them; X-Frame-Options would
  // contradict it (SAMEORIGIN refuses the institute's site), so it is left off those paths.
  const framableHeaders = secureHeaders({ xFrameOptions: false });
  app.use(
    requestContext(deps, {
      authenticate,
      onDone: (c, ms) => metrics.record(c.req.method, c.req.routePath, c.res.status, ms),
    }),
    (c, next) => (isEmbedPath(c.req.path) ? framableHeaders : headers)(c, next),
    bodyLimits,
  );
  app.onError(onError);
  app.notFound(notFoundOrNotAllowed(() => app.routes));

  app.route("/", opsRoutes(metrics));
  const api = new Hono<AppEnv>()
    .route("/", eventRoutes)
    .route("/", programmeRoutes)
    .route("/", registrationRoutes)
    .route("/", staffRegistrationRoutes)
    .route("/", outboxRoutes)
    .route("/", reminderRoutes)
    .route("/", recordingRoutes)
    .route("/", archiveApiRoutes)
    .route("/", topicRoutes)
    .route("/", peopleRoutes)
    .route("/", briefRoutes(relatedEventsOfBrief))
    .route("/", apiKeyRoutes)
    .route("/", auditRoutes)
    .route("/", webhookRoutes);
  app.route("/api/v1", api);

  let openapi: { url: string; doc: ReturnType<typeof buildOpenApi> } | undefined;
  const document = () => {
    // Built again when PUBLIC_URL changes (a runtime sets it once it knows the address it serves).
    if (openapi?.url !== deps.config.PUBLIC_URL) {
      const doc = buildOpenApi(app, {
        title: `Convene (${deps.config.ORG_NAME})`,
        version: VERSION,
        serverUrl: deps.config.PUBLIC_URL,
        webhooks: WEBHOOK_PAYLOADS,
      });
      openapi = { url: deps.config.PUBLIC_URL, doc };
    }
    return openapi.doc;
  };
  app.route("/", calendarRoutes);
  app.route("/", personalFeedRoutes);
  app.route("/", archivePageRoutes);
  app.route("/", libraryRoutes);
  app.route("/", pageRoutes);
  app.route("/", embedRoutes);
  app.get("/openapi.json", (c) => c.json(document()));
  app.get("/docs", docsHeaders, (c) => c.html(renderDocs(document())));
  return app;
}

export type App = ReturnType<typeof createApp>;
