import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { relatedEventsOfBrief } from "./composition.js";
import type { Deps } from "./deps.js";
import { archiveApiRoutes } from "./features/archive/api-routes.js";
import { libraryRoutes } from "./features/archive/library-pages.js";
import { recordingRoutes } from "./features/archive/recordings-routes.js";
import { archivePageRoutes } from "./features/archive/search-pages.js";
import { auditRoutes } from "./features/audit/routes.js";
import { apiKeyRoutes } from "./features/auth/routes.js";
import { authenticate } from "./features/auth/service.js";
import { briefRoutes } from "./features/briefs/routes.js";
import { calendarRoutes } from "./features/calendar/routes.js";
import { eventRoutes } from "./features/events/index.js";
import { renderDocs } from "./features/ops/docs.js";
import { Metrics } from "./features/ops/metrics.js";
import { opsRoutes } from "./features/ops/routes.js";
import { outboxRoutes } from "./features/outbox/routes.js";
import { pageRoutes } from "./features/pages/routes.js";
import { peopleRoutes } from "./features/people/routes.js";
import { programmeRoutes } from "./features/programme/index.js";
import { registrationRoutes } from "./features/registrations/routes.js";
import { staffRegistrationRoutes } from "./features/registrations/staff-routes.js";
import { reminderRoutes } from "./features/reminders/routes.js";
import { topicRoutes } from "./features/topics/routes.js";
import { type AppEnv, notFoundHandler, onError, requestContext } from "./lib/http.js";
import { buildOpenApi } from "./lib/openapi.js";

export const VERSION = "0.1.0";

/** Builds the whole HTTP app from its dependencies; entry points only build deps and serve. */
export function createApp(deps: Deps) {
  const metrics = new Metrics();
  const app = new Hono<AppEnv>();
  app.use(
    requestContext(deps, {
      authenticate,
      onDone: (c, ms) => metrics.record(c.req.method, c.req.routePath, c.res.status, ms),
    }),
    secureHeaders(),
  );
  app.onError(onError);
  app.notFound(notFoundHandler);

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
    .route("/", auditRoutes);
  app.route("/api/v1", api);

  let openapi: ReturnType<typeof buildOpenApi> | undefined;
  const document = () => {
    openapi ??= buildOpenApi(app, {
      title: `Convene (${deps.config.ORG_NAME})`,
      version: VERSION,
      serverUrl: deps.config.PUBLIC_URL,
    });
    return openapi;
  };
  app.route("/", calendarRoutes);
  app.route("/", archivePageRoutes);
  app.route("/", libraryRoutes);
  app.route("/", pageRoutes);
  app.get("/openapi.json", (c) => c.json(document()));
  app.get("/docs", (c) => c.html(renderDocs(document())));
  return app;
}

export type App = ReturnType<typeof createApp>;
