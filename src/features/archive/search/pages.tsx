import { Hono } from "hono";
import type { AppEnv } from "../../../lib/http.js";
import { type FieldError, Problem } from "../../../lib/problem.js";
import { zodIssuesToErrors } from "../../../lib/validate.js";
import { pageHeaders } from "../../../web/guards.js";
import { MessagePage, sendPage } from "../../../web/layout.js";
import { spendSearch } from "../../limits/index.js";
import { archiveSearchOf } from "./api-routes.js";
import { cachedSearchArchive } from "./cache.js";
import { archiveFacets } from "./facets.js";
import { ArchiveQuery } from "./schemas.js";
import type { ArchiveItem } from "./search.js";
import { type ArchiveForm, ArchivePage } from "./view.js";

const FORM_FIELDS = ["q", "topic", "person", "year", "format", "hasRecording"] as const;

/**
 * /archive: the same query string, the same validation and the same searchArchive call as
 * GET /api/v1/archive, so a page shows exactly what the API returns. Bad parameters render the
 * form with the problem (422) instead of a bare error.
 */
export const archivePageRoutes = new Hono<AppEnv>().get("/archive", pageHeaders, async (c) => {
  const { deps } = c.var;
  const now = deps.clock.now();
  const query = Object.fromEntries(
    Object.entries(c.req.queries()).map(([k, v]) => [k, v.length === 1 ? v[0] : v]),
  ) as Record<string, string | string[]>;
  const text = (k: string) => (typeof query[k] === "string" ? (query[k] as string) : "");
  const form = Object.fromEntries(FORM_FIELDS.map((k) => [k, text(k)])) as unknown as ArchiveForm;

  const facets = archiveFacets(deps.db, now);
  facets.catch(() => undefined); // awaited below; this only keeps an early throw from leaving it unhandled
  let items: ArchiveItem[] = [];
  let nextHref: string | null = null;
  let errors: FieldError[] = [];
  const parsed = ArchiveQuery.safeParse(query);
  if (!parsed.success) {
    errors = zodIssuesToErrors(parsed.error, "query");
  } else {
    try {
      const page = await cachedSearchArchive(deps.db, archiveSearchOf(parsed.data, now), () =>
        spendSearch(c),
      );
      items = page.items;
      if (page.nextCursor) {
        const next = new URLSearchParams();
        for (const k of FORM_FIELDS) if (form[k]) next.set(k, form[k]);
        if (parsed.data.limit) next.set("limit", String(parsed.data.limit));
        next.set("cursor", page.nextCursor);
        nextHref = `/archive?${next}`;
      }
    } catch (err) {
      if (err instanceof Problem && err.status === 429) {
        return sendPage(
          c,
          <MessagePage title={err.title} org={deps.config.ORG_NAME} tone="warn">
            <p>{err.detail}</p>
          </MessagePage>,
          429,
          err.headers ?? {},
        );
      }
      if (!(err instanceof Problem) || err.status !== 422) throw err;
      errors = err.errors ?? [];
    }
  }
  return sendPage(
    c,
    <ArchivePage
      org={deps.config.ORG_NAME}
      form={form}
      facets={await facets}
      items={items}
      nextHref={nextHref}
      errors={errors}
    />,
    errors.length ? 422 : 200,
  );
});
