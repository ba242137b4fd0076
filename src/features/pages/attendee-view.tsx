import type { Config } from "../../config.js";
import { formatInstant, startsIn } from "../../web/format.js";
import { Layout } from "../../web/layout.js";
import type { EventRow } from "../events/index.js";
import type { Admission, ManageView } from "../registrations/index.js";
import { AddToCalendar, calendarWorthy, FeedSection } from "./calendar-view.js";
import { eventPath, When } from "./event-view.js";

const queue = (position: number | null) =>
  position ? `You are number ${position} in the queue.` : "You are in the queue.";

/**
 * After the form, for every accepted submission (a new address, a known one, or a bot caught by
 * the honeypot): one page, so it tells nobody whether the address had registered before. It
 * says what a new registration got; the person's own status and links are in the email.
 */
export function CheckEmailPage(p: { org: string; event: EventRow; email: string; admission: Admission }) {
  const { event } = p;
  return (
    <Layout title="Check your email" org={p.org} noindex>
      <h1>Check your email</h1>
      <div class="notice ok">
        <p>
          We have sent a message about <strong>{event.title}</strong> to <strong>{p.email}</strong>. It
          confirms your registration and holds your calendar invitation and your personal link to manage it
          {event.format === "in_person" ? "" : " and to join online"}.
        </p>
        <p>
          {p.admission === "confirmed"
            ? "Seats are available: a new registration has a seat."
            : "All seats are taken: a new registration joins the waitlist, and the email tells you your place. We email you as soon as a seat frees up."}
        </p>
        <p>
          <When event={event} />
        </p>
      </div>
      <p>
        If you had registered before, nothing changed: the message has your links again. Nothing after a few
        minutes? Look in your spam folder, or check the address you typed.
      </p>
      <p>
        <a href={eventPath(event.slug)}>Back to the event</a>
      </p>
    </Layout>
  );
}

function statusText(v: ManageView): string {
  if (v.registration.status === "confirmed") return "Confirmed: you have a seat.";
  if (v.registration.status === "waitlisted") return `On the waitlist. ${queue(v.position)}`;
  return "Cancelled.";
}

/** The manage page behind /r/{token}: the owner's own details and what they can do. */
export function ManagePage(p: { config: Config; v: ManageView; token: string; now: Date }) {
  const { v } = p;
  const org = p.config.ORG_NAME;
  const { event, registration } = v;
  const base = `/r/${p.token}`;
  const active = registration.status !== "cancelled";
  const ahead = event.endsAt > p.now && event.status === "published";
  return (
    <Layout title="Your registration" org={org} noindex>
      <h1>Your registration</h1>
      <p>
        <a href={eventPath(event.slug)}>{event.title}</a>
        <br />
        <When event={event} />
      </p>
      {event.status === "cancelled" ? (
        <div class="notice warn">
          <p>This event was cancelled.</p>
        </div>
      ) : null}
      <dl class="facts">
        <dt>Status</dt>
        <dd>{statusText(v)}</dd>
        <dt>Name</dt>
        <dd>{v.attendee.name}</dd>
        <dt>Email</dt>
        <dd>{v.attendee.email}</dd>
        {event.venue && event.format !== "virtual" ? (
          <>
            <dt>Venue</dt>
            <dd>{event.venue}</dd>
          </>
        ) : null}
      </dl>
      {v.joinPath ? (
        <section aria-labelledby="join">
          <h2 id="join">Join online</h2>
          <p>
            <a class="button" href={v.joinPath}>
              Join the event
            </a>
          </p>
          <p>
            This link is yours alone: it opens 30 minutes before the start and tells us you attended. Please
            do not share it.
          </p>
        </section>
      ) : null}
      {active && calendarWorthy(event, p.now) ? (
        <AddToCalendar
          event={event}
          config={p.config}
          note={
            registration.status === "waitlisted"
              ? "You are on the waitlist: adding the event holds the time, not a seat."
              : v.joinPath
                ? "These links add the public details. Your personal join link is in the invitation we emailed you and in your calendar feed."
                : undefined
          }
        />
      ) : null}
      {active && ahead ? (
        <section aria-labelledby="reminders">
          <h2 id="reminders">Reminders</h2>
          {registration.remindersOptOut ? (
            <p>You will not get reminder emails for this event.</p>
          ) : (
            <p>
              We email you a reminder before the event.{" "}
              <a href={`${base}/unsubscribe`}>Stop reminder emails</a>
            </p>
          )}
        </section>
      ) : null}
      <FeedSection base={base} has={v.feedSince !== null} />
      <NewsletterSection base={base} state={v.attendee.newsletterState} label={p.config.NEWSLETTER_LABEL} />
      <section aria-labelledby="actions">
        <h2 id="actions">Change your plans</h2>
        {active && ahead ? (
          <form method="post" action={`${base}/cancel`}>
            <p>Cancelling frees your seat for the next person on the waitlist.</p>
            <button type="submit" class="secondary">
              Cancel my registration
            </button>
          </form>
        ) : null}
        {!active && ahead ? (
          <form method="post" action={`${base}/rejoin`}>
            <p>
              Changed your mind? Registering again gives you a seat if one is free, or a place on the
              waitlist.
            </p>
            <button type="submit">Register again</button>
          </form>
        ) : null}
      </section>
      <section aria-labelledby="your-data">
        <h2 id="your-data">Your data</h2>
        <form method="post" action={`${base}/name`}>
          <label for="name">Your name, as our emails greet you</label>
          <input id="name" name="name" required maxlength={200} value={v.attendee.name} autocomplete="name" />
          <button type="submit" class="secondary">
            Save the name
          </button>
        </form>
        <form method="post" action={`${base}/erase`}>
          <p>
            Deleting your data replaces your name and email address with anonymous values, removes your
            answers and cancels your registrations. This cannot be undone.
          </p>
          <button type="submit" class="danger">
            Delete my data
          </button>
        </form>
      </section>
    </Layout>
  );
}

/**
 * The newsletter's double opt-in: a ticked box on the form is only a request, confirmed here
 * (this page's link came by email, so its holder owns the mailbox); from here a single press.
 */
function NewsletterSection(p: {
  base: string;
  state: ManageView["attendee"]["newsletterState"];
  label: string;
}) {
  const button = (choice: "confirm" | "withdraw", text: string, cls?: string) => (
    <form method="post" action={`${p.base}/newsletter/${choice}`}>
      <button type="submit" class={cls}>
        {text}
      </button>
    </form>
  );
  return (
    <section aria-labelledby="newsletter">
      <h2 id="newsletter">Newsletter</h2>
      {p.state === "requested" ? (
        <>
          <p>
            The registration form asked for our newsletter for this address: "{p.label}". We send nothing
            until you confirm.
          </p>
          <div class="actions">
            {button("confirm", "Confirm")}
            {button("withdraw", "No thanks", "secondary")}
          </div>
        </>
      ) : p.state === "confirmed" ? (
        <>
          <p>You receive our newsletter.</p>
          <div class="actions">{button("withdraw", "Stop the newsletter", "secondary")}</div>
        </>
      ) : (
        <>
          <p>You do not receive our newsletter. It is optional: "{p.label}".</p>
          <div class="actions">{button("confirm", "Send me the newsletter")}</div>
        </>
      )}
    </section>
  );
}

export function UnsubscribePage(p: { org: string; event: EventRow; token: string; done: boolean }) {
  return (
    <Layout title="Unsubscribe" org={p.org} noindex>
      <h1>Unsubscribe</h1>
      {p.done ? (
        <div class="notice ok">
          <p>
            You will not get reminder emails for <strong>{p.event.title}</strong>, nor our newsletter. Your
            registration is unchanged.
          </p>
        </div>
      ) : (
        <form method="post" action={`/r/${p.token}/unsubscribe`}>
          <p>
            Stop reminder emails for <strong>{p.event.title}</strong> and our newsletter? Your registration
            stays as it is.
          </p>
          <button type="submit">Stop reminders and the newsletter</button>
        </form>
      )}
      <p>
        <a href={`/r/${p.token}`}>Back to your registration</a>
      </p>
    </Layout>
  );
}

/** The /j/ link when it does not redirect: too early, over, or not (or no longer) confirmed. */
export function JoinWaitPage(p: {
  org: string;
  event: EventRow;
  now: Date;
  kind: "early" | "over" | "not-confirmed" | "event-cancelled" | "no-link";
  opensAt?: Date;
  status?: string;
}) {
  const { event } = p;
  const titles = {
    early: "Not started yet",
    over: "This event has ended",
    "not-confirmed": "No seat for this link",
    "event-cancelled": "This event was cancelled",
    "no-link": "The meeting link is not ready",
  } as const;
  return (
    <Layout title={titles[p.kind]} org={p.org} noindex>
      <h1>{titles[p.kind]}</h1>
      <p>
        <a href={eventPath(event.slug)}>{event.title}</a>
        <br />
        <When event={event} />
      </p>
      <div class={`notice ${p.kind === "early" ? "info" : "warn"}`}>
        {p.kind === "early" && p.opensAt ? (
          <p>
            {`The event starts ${startsIn(p.now, event.startsAt)}. This link opens at ${formatInstant(p.opensAt, event.timeZone)}, 30 minutes before the start: come back then.`}
          </p>
        ) : null}
        {p.kind === "over" ? (
          <p>
            The event is over. The <a href={eventPath(event.slug)}>event page</a> will link to the recording
            once it is published.
          </p>
        ) : null}
        {p.kind === "not-confirmed" ? (
          <p>
            {p.status === "waitlisted"
              ? "Your registration is on the waitlist, so this link does not open the meeting. We email you if a seat frees up."
              : "Your registration was cancelled, so this link no longer opens the meeting."}
          </p>
        ) : null}
        {p.kind === "event-cancelled" ? <p>This event was cancelled, so there is nothing to join.</p> : null}
        {p.kind === "no-link" ? (
          <p>The organisers have not added the meeting link yet. Please try again in a few minutes.</p>
        ) : null}
      </div>
    </Layout>
  );
}
