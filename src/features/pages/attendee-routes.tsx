import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../lib/http.js";
import { Problem } from "../../lib/problem.js";
import { validationProblem } from "../../lib/validate.js";
import { formBodyLimit, pageHeaders, sameOrigin, tokenPage } from "../../web/guards.js";
import { MessagePage, notFoundPage, sendPage } from "../../web/layout.js";
import {
  applyJoin,
  cancelByToken,
  eraseAttendee,
  findForUnsubscribe,
  findManage,
  type JoinDecision,
  loadManage,
  newsletterByToken,
  optOutReminders,
  RegistrationBody,
  rejoinByToken,
  renameByToken,
  requestFeedToken,
  resolveFeedJoin,
  resolveJoin,
  resolveRegistrationJoin,
} from "../registrations/index.js";
import { JoinWaitPage, ManagePage, UnsubscribePage } from "./attendee-view.js";
import { FeedLinkPage } from "./calendar-view.js";

/**
 * The links only an attendee has: /r/{manage token} and /j/{join token}. Every answer is
 * no-store and no-referrer, so the token stays out of caches and other sites' logs.
 */
export const attendeeRoutes = new Hono<AppEnv>()
  .get("/r/:token", pageHeaders, tokenPage, async (c) => {
    const { deps } = c.var;
    const token = c.req.param("token");
    const v = await loadManage(deps, token);
    if (!v) return notFoundPage(c, "registration");
    if (v === "expired") return expiredPage(c, token);
    return sendPage(c, <ManagePage config={deps.config} v={v} token={token} now={deps.clock.now()} />);
  })
  // The feed token is made on request only and shown once, in this answer (no-store, like the page).
  .post("/r/:token/feed", pageHeaders, tokenPage, sameOrigin, (c) => feedAnswer(c, "new"))
  .post("/r/:token/feed/replace", pageHeaders, tokenPage, sameOrigin, (c) => feedAnswer(c, "replace"))
  // The join button of the manage page: the manage token is the authority, so a page view
  // mints no join token. HEAD (link checkers) gets the answer without counting as attendance.
  .get("/r/:token/join", pageHeaders, tokenPage, async (c) => {
    const { deps } = c.var;
    const found = await findManage(deps, c.req.param("token"));
    const decision = found
      ? await applyJoin(deps, found.event, found.registration, { recordAttendance: c.req.method === "GET" })
      : null;
    return joinAnswer(c, decision);
  })
  .post("/r/:token/rejoin", pageHeaders, tokenPage, sameOrigin, async (c) => {
    const token = c.req.param("token");
    try {
      if (!(await rejoinByToken(c.var.deps, token))) return notFoundPage(c, "registration");
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      return refusedPage(c, token, err);
    }
    return c.redirect(`/r/${token}`, 303);
  })
  .post("/r/:token/name", pageHeaders, tokenPage, sameOrigin, formBodyLimit, async (c) => {
    const token = c.req.param("token");
    const body = await c.req.parseBody();
    const name = NameField.safeParse(body.name);
    if (!name.success) {
      return refusedPage(
        c,
        token,
        validationProblem([{ field: "name", message: "must be 1 to 200 characters" }]),
      );
    }
    if (!(await renameByToken(c.var.deps, token, name.data))) return notFoundPage(c, "registration");
    return c.redirect(`/r/${token}`, 303);
  })
  // The newsletter's double opt-in ends here: only the mailbox's owner holds this link.
  .post("/r/:token/newsletter/:choice{confirm|withdraw}", pageHeaders, tokenPage, sameOrigin, async (c) => {
    const token = c.req.param("token");
    const choice = c.req.param("choice") as "confirm" | "withdraw";
    if (!(await newsletterByToken(c.var.deps, token, choice))) return notFoundPage(c, "registration");
    return c.redirect(`/r/${token}#newsletter`, 303);
  })
  .post("/r/:token/cancel", pageHeaders, tokenPage, sameOrigin, async (c) => {
    const token = c.req.param("token");
    if (!(await cancelByToken(c.var.deps, token))) return notFoundPage(c, "registration");
    // Post/redirect/get: reloading the result does not post again.
    return c.redirect(`/r/${token}`, 303);
  })
  .post("/r/:token/erase", pageHeaders, tokenPage, sameOrigin, async (c) => {
    const { deps } = c.var;
    // Erasure works on an expired link too: the right to it does not expire with the event.
    const found = await findManage(deps, c.req.param("token"));
    if (!found) return notFoundPage(c, "registration");
    await eraseAttendee(deps, found.attendee.id);
    return sendPage(
      c,
      <MessagePage title="Your data was deleted" org={deps.config.ORG_NAME} tone="ok" noindex>
        <p>
          Your name and email address were replaced with anonymous values, your answers were removed and your
          registrations were cancelled. The links in our emails to you no longer work.
        </p>
      </MessagePage>,
    );
  })
  .get("/r/:token/unsubscribe", pageHeaders, tokenPage, async (c) => {
    const { deps } = c.var;
    const token = c.req.param("token");
    const found = await findForUnsubscribe(deps, token);
    if (!found) return notFoundPage(c, "registration");
    const subscribed = ["requested", "confirmed"].includes(found.attendee.newsletterState ?? "");
    const done = found.registration.remindersOptOut && !subscribed;
    return sendPage(
      c,
      <UnsubscribePage org={deps.config.ORG_NAME} event={found.event} token={token} done={done} />,
    );
  })
  // RFC 8058 one-click: mail providers POST "List-Unsubscribe=One-Click" without an Origin, so
  // this route has no origin check; the token is the authority and the change is harmless.
  .post("/r/:token/unsubscribe", pageHeaders, tokenPage, async (c) => {
    const { deps } = c.var;
    const token = c.req.param("token");
    const found = await optOutReminders(deps, token);
    if (!found) return notFoundPage(c, "registration");
    return sendPage(c, <UnsubscribePage org={deps.config.ORG_NAME} event={found.event} token={token} done />);
  })
  .get("/j/:token", pageHeaders, tokenPage, async (c) => {
    const decision = await resolveJoin(c.var.deps, c.req.param("token"), {
      recordAttendance: c.req.method === "GET",
    });
    return joinAnswer(c, decision);
  })
  // The join link of emails and invitations: one per registration, the same in every message.
  .get("/j/:registrationId/:key", pageHeaders, tokenPage, async (c) => {
    const decision = await resolveRegistrationJoin(
      c.var.deps,
      c.req.param("registrationId"),
      c.req.param("key"),
      {
        recordAttendance: c.req.method === "GET",
      },
    );
    return joinAnswer(c, decision);
  })
  // Join links in an attendee's calendar feed: same rules and pages, authorised by the feed token.
  .get("/j/f/:registrationId/:mac", pageHeaders, tokenPage, async (c) => {
    const { deps } = c.var;
    const found = await resolveFeedJoin(deps.db, c.req.param("registrationId"), c.req.param("mac"));
    const decision = found
      ? await applyJoin(deps, found.event, found.registration, { recordAttendance: c.req.method === "GET" })
      : null;
    return joinAnswer(c, decision);
  });

const NameField = RegistrationBody.shape.name;

/** A manage link whose event ended more than MANAGE_LINK_DAYS ago: no details, erasure only. */
function expiredPage(c: Context<AppEnv>, token: string) {
  const { config } = c.var.deps;
  return sendPage(
    c,
    <MessagePage title="This link has expired" org={config.ORG_NAME} tone="warn" noindex>
      <p>
        Links to manage a registration stop working {config.MANAGE_LINK_DAYS} days after the event, so an old
        email cannot show your details to whoever finds it. The event page and its recording stay public.
      </p>
      <form method="post" action={`/r/${token}/erase`}>
        <p>You can still delete your data: your name and email address are replaced with anonymous values.</p>
        <button type="submit" class="danger">
          Delete my data
        </button>
      </form>
    </MessagePage>,
    410,
  );
}

/** A change the manage page asked for and could not make (event closed or full, bad name). */
function refusedPage(c: Context<AppEnv>, token: string, problem: Problem) {
  const { config } = c.var.deps;
  const detail = problem.errors?.length
    ? problem.errors.map((e) => `${e.field} ${e.message}`).join("; ")
    : (problem.detail ?? problem.title);
  return sendPage(
    c,
    <MessagePage title={problem.title} org={config.ORG_NAME} tone="warn" noindex>
      <p>{detail}</p>
      <p>
        <a href={`/r/${token}`}>Back to your registration</a>
      </p>
    </MessagePage>,
    problem.status as ContentfulStatusCode,
  );
}

async function feedAnswer(c: Context<AppEnv>, mode: "new" | "replace") {
  const { deps } = c.var;
  const token = c.req.param("token")!;
  const feedToken = await requestFeedToken(deps, token, mode);
  if (!feedToken) return notFoundPage(c, "registration");
  return sendPage(
    c,
    <FeedLinkPage
      config={deps.config}
      base={`/r/${token}`}
      feedToken={feedToken}
      replaced={mode === "replace"}
    />,
  );
}

function joinAnswer(c: Context<AppEnv>, decision: JoinDecision | null) {
  const { deps } = c.var;
  if (!decision) return notFoundPage(c, "join link");
  if (decision.kind === "redirect") return c.redirect(decision.url, 302);
  const { kind, event } = decision;
  return sendPage(
    c,
    <JoinWaitPage
      org={deps.config.ORG_NAME}
      event={event}
      now={deps.clock.now()}
      kind={kind}
      opensAt={kind === "early" ? decision.opensAt : undefined}
      status={kind === "not-confirmed" ? decision.status : undefined}
    />,
    kind === "not-confirmed" ? 403 : 200,
  );
}
