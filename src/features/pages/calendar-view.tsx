import type { Config } from "../../config.js";
import { Layout } from "../../web/layout.js";
import { calendarLinks, feedUrl, webcalUrl } from "../calendar/index.js";
import type { EventRow } from "../events/index.js";

/** Whether "Add to calendar" makes sense: the event is on and not over yet. */
export const calendarWorthy = (event: Pick<EventRow, "status" | "endsAt">, now: Date) =>
  event.status === "published" && event.endsAt > now;

/**
 * "Add to calendar": plain links, no script. Google and Outlook get the UTC instants in their
 * URLs (calendarLinks), the download is the event's own .ics, and the subscription is the
 * public calendar of all events. The personal join link is never in any of them: it is in the
 * emailed invitation and the attendee's own feed, not in URLs handed to other sites.
 */
export function AddToCalendar(p: { event: EventRow; config: Config; note?: string }) {
  const links = calendarLinks(p.event, p.config);
  return (
    <section aria-labelledby="add-to-calendar">
      <h2 id="add-to-calendar">Add to your calendar</h2>
      {p.note ? <p>{p.note}</p> : null}
      <ul class="cal">
        <li>
          <a href={links.google}>Add to Google Calendar</a>
        </li>
        <li>
          <a href={links.outlook}>Add to Outlook.com</a>
        </li>
        <li>
          <a href={links.office365}>Add to Outlook (Microsoft 365)</a>
        </li>
        <li>
          <a href={links.ics} type="text/calendar">
            Download the calendar file (.ics)
          </a>
          <span class="hint">For Apple Calendar, Outlook on the desktop, Thunderbird and other apps.</span>
        </li>
        <li>
          <a href={links.subscribeAll}>{`Subscribe to all ${p.config.ORG_NAME} events`}</a>
          <span class="hint">Your calendar app adds our new events and keeps their times up to date.</span>
        </li>
      </ul>
    </section>
  );
}

/**
 * The manage page's feed section. A feed link is shown once, when it is made: only its hash is
 * stored. Until the attendee asks, no token exists; after, they can only replace it.
 */
export function FeedSection(p: { base: string; has: boolean }) {
  return (
    <section aria-labelledby="calendar-feed">
      <h2 id="calendar-feed">Your calendar feed</h2>
      <p>
        A private calendar address with all your registrations with us, including your personal join links.
        Calendar apps that subscribe to it follow every change: new times, cancellations, seats from the
        waitlist.
      </p>
      {p.has ? (
        <form method="post" action={`${p.base}/feed/replace`}>
          <p>
            You already have a feed link. We showed it only once, because we keep no copy of it. If you lost
            it, or someone else may have it, replace it: the old link and the join links in it stop working.
          </p>
          <button type="submit" class="secondary">
            Replace my feed link
          </button>
        </form>
      ) : (
        <form method="post" action={`${p.base}/feed`}>
          <button type="submit">Get my calendar feed link</button>
        </form>
      )}
    </section>
  );
}

/** The answer to "get" or "replace": the new feed link, this once, with what it gives away. */
export function FeedLinkPage(p: { config: Config; base: string; feedToken: string; replaced: boolean }) {
  const https = feedUrl(p.config, p.feedToken);
  return (
    <Layout title="Your calendar feed" org={p.config.ORG_NAME} noindex>
      <h1>Your calendar feed</h1>
      {p.replaced ? (
        <div class="notice ok">
          <p>Your earlier feed links no longer work, and neither do the join links they contained.</p>
        </div>
      ) : null}
      <div class="notice warn" role="note">
        <p>
          <strong>Keep this link to yourself.</strong> Anyone who has it can see the events you registered for
          and use your personal join links. We show it only now: copy it or subscribe before you leave this
          page.
        </p>
      </div>
      <p>
        <a class="button" href={webcalUrl(https)}>
          Subscribe to my calendar feed
        </a>
      </p>
      <p>
        <label for="feed-url">Feed address</label>
        <span class="hint" id="feed-url-hint">
          For apps that ask for a URL: Google Calendar (Other calendars, From URL), Outlook.com (Add calendar,
          Subscribe from web).
        </span>
        <input type="text" id="feed-url" value={https} readonly aria-describedby="feed-url-hint" />
      </p>
      <p>
        {/* Named for what it is, not its scheme: a local server's link is http:// (issue 16). */}
        <a href={https}>Download my calendar feed (.ics)</a>
      </p>
      <p>
        <a href={p.base}>Back to your registration</a>
      </p>
    </Layout>
  );
}
