import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";
import { assetRoutes } from "../../web/assets.js";
import { formBodyLimit, pageHeaders, sameOrigin, tokenPage } from "../../web/guards.js";
import { notFoundPage, sendPage } from "../../web/layout.js";
import { type EventWithRelations, findEventWithRelations, listEvents } from "../events/index.js";
import { availability, closedReason, eventFull, registerForEvent } from "../registrations/index.js";
import { attendeeRoutes } from "./attendee-routes.js";
import { CheckEmailPage } from "./attendee-view.js";
import { EventListPage, EventPage, type RegistrationState } from "./event-view.js";
import { checkForm, EMPTY_FORM, readForm } from "./form.js";
import { formRateLimit } from "./form-guard.js";

/** A published or cancelled event; drafts do not exist for the public. */
async function publicEvent(c: Context<AppEnv>, slug: string): Promise<EventWithRelations | null> {
  if (slug.length > 100) return null;
  const ev = await findEventWithRelations(c.var.deps.db, slug);
  return ev && ev.row.status !== "draft" ? ev : null;
}

/** The event page, with the form (blank or as submitted) or the reason it is closed. */
async function renderEvent(
  c: Context<AppEnv>,
  ev: EventWithRelations,
  reg: Partial<RegistrationState> = {},
  status: ContentfulStatusCode = 200,
) {
  const { deps } = c.var;
  const seats = await availability(deps.db, ev.row);
  const now = deps.clock.now();
  let closed = reg.closed ?? closedReason(ev.row, now);
  if (!closed && seats.full && !ev.row.waitlist) closed = eventFull();
  const state = { closed, values: reg.values ?? EMPTY_FORM, errors: reg.errors ?? [] };
  return sendPage(c, <EventPage ev={ev} config={deps.config} seats={seats} reg={state} now={now} />, status);
}

/** Public server-rendered pages: upcoming events, the event page and its form, attendee links. */
export const pageRoutes = new Hono<AppEnv>()
  .route("/", assetRoutes)
  .get("/", pageHeaders, async (c) => {
    const { deps } = c.var;
    const after = c.req.query("after");
    let page: Awaited<ReturnType<typeof listEvents>>;
    try {
      page = await listEvents(deps.db, {
        when: "upcoming",
        statuses: ["published"],
        now: deps.clock.now(),
        limit: 20,
        cursor: after && after.length <= 200 ? after : undefined,
      });
    } catch (err) {
      if (err instanceof Problem && err.status === 422) return notFoundPage(c);
      throw err;
    }
    return sendPage(c, <EventListPage items={page.items} config={deps.config} next={page.nextCursor} />);
  })
  .get("/events/:slug", pageHeaders, async (c) => {
    const ev = await publicEvent(c, c.req.param("slug"));
    if (!ev) return notFoundPage(c, "event");
    return renderEvent(c, ev);
  })
  .post(
    "/events/:slug/register",
    pageHeaders,
    tokenPage,
    sameOrigin,
    formBodyLimit,
    formRateLimit,
    async (c) => {
      const { deps } = c.var;
      const org = deps.config.ORG_NAME;
      const ev = await publicEvent(c, c.req.param("slug"));
      if (!ev) return notFoundPage(c, "event");
      const values = readForm(await c.req.parseBody({ all: true }));
      // A filled honeypot is a bot: it sees the page every submission sees, nothing is stored.
      if (values.website.trim() !== "") {
        const seats = await availability(deps.db, ev.row);
        const admission = seats.full ? "waitlisted" : "confirmed";
        return sendPage(
          c,
          <CheckEmailPage org={org} event={ev.row} email={values.email} admission={admission} />,
        );
      }
      const closed = closedReason(ev.row, deps.clock.now());
      if (closed) return renderEvent(c, ev, { closed }, closed.status as ContentfulStatusCode);
      const errors = checkForm(ev.row.questions, values);
      if (errors.length) return renderEvent(c, ev, { values, errors }, 422);
      try {
        const admission = await registerForEvent(
          deps,
          ev.row.slug,
          {
            name: values.name,
            email: values.email,
            answers: values.answers,
            consent: values.consent,
            newsletter: values.newsletter,
          },
          "form",
        );
        return sendPage(
          c,
          <CheckEmailPage org={org} event={ev.row} email={values.email.trim()} admission={admission} />,
        );
      } catch (err) {
        if (!(err instanceof Problem)) throw err;
        if (err.status === 422) return renderEvent(c, ev, { values, errors: err.errors ?? [] }, 422);
        if (err.status === 404) return notFoundPage(c, "event");
        return renderEvent(c, ev, { closed: err }, err.status as ContentfulStatusCode);
      }
    },
  )
  .route("/", attendeeRoutes);
