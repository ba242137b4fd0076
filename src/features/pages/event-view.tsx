import { raw } from "hono/html";
import type { Config } from "../../config.js";
import type { FieldError, Problem } from "../../lib/problem.js";
import { OembedLink } from "../../web/embedding.js";
import { FORMAT_LABEL, formatInstant, formatRange, isoInZone } from "../../web/format.js";
import { Layout } from "../../web/layout.js";
import { InlineMarkdown, Markdown } from "../../web/markdown.js";
import { PHOTO_SIZE, Photo } from "../../web/photo.js";
import type { EventRow, EventWithRelations, Relations } from "../events/index.js";
import type { Availability } from "../registrations/index.js";
import { AddToCalendar, calendarWorthy } from "./calendar-view.js";
import type { FormValues } from "./form.js";
import { RegistrationForm } from "./form-view.js";
import { eventJsonLd, eventPageUrl, scriptSafeJson } from "./jsonld.js";

export const eventPath = (slug: string) => `/events/${encodeURIComponent(slug)}`;

/** The sentence a visitor reads instead of the form, for each closed state. */
export function closedText(event: EventRow, reason: Problem): string {
  switch (reason.kind) {
    case "event-cancelled":
      return "This event was cancelled, so registration is closed.";
    case "event-past":
      return "This event has already taken place, so registration is closed.";
    case "registration-not-open":
      return event.registrationOpensAt
        ? `Registration is not open yet. It opens on ${formatInstant(event.registrationOpensAt, event.timeZone)}.`
        : "Registration is not open yet.";
    case "registration-closed":
      return "Registration for this event has closed.";
    case "event-full":
      return "All seats are taken and this event has no waitlist, so registration is closed.";
    default:
      return reason.detail ?? reason.title;
  }
}

export function When(p: { event: EventRow }) {
  return (
    <time datetime={isoInZone(p.event.startsAt, p.event.timeZone)}>
      {formatRange(p.event.startsAt, p.event.endsAt, p.event.timeZone)}
    </time>
  );
}

/**
 * Whether seats are free, never how many: a count that drops by one after someone submits an
 * address would tell them the address was new (docs/ARCHITECTURE.md, "Who may act").
 */
function seatsText(event: EventRow, a: Availability): string | null {
  if (a.seatsLeft === null) return null;
  if (a.seatsLeft > 0) return "Seats available";
  return event.waitlist ? "All seats are taken: waitlist open" : "All seats are taken";
}

const ROLE = { speaker: "", moderator: "Moderator", host: "Host" } as const;
const RELATION = {
  background_reading: "Background reading",
  published_after: "Published after the event",
  transcript_of: "Transcript",
} as const;

function People(p: { speakers: Relations["speakers"] }) {
  if (p.speakers.length === 0) return null;
  return (
    <section aria-labelledby="speakers">
      <h2 id="speakers">Speakers</h2>
      <ul class="people">
        {p.speakers.map((s) => {
          const about = [ROLE[s.role], s.title, s.affiliation].filter(Boolean).join(", ");
          return (
            <li>
              <Photo url={s.photoUrl} name={s.name} size={PHOTO_SIZE.list} />
              <strong>{s.name}</strong>
              {about ? `, ${about}` : ""}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function Briefs(p: { briefs: Relations["briefs"] }) {
  if (p.briefs.length === 0) return null;
  return (
    <section aria-labelledby="briefs">
      <h2 id="briefs">Related research</h2>
      <ul>
        {p.briefs.map((b) => (
          <li>
            {b.url ? <a href={b.url}>{b.title}</a> : b.title}
            {` (${RELATION[b.relation]}${b.publishedOn ? `, ${b.publishedOn}` : ""})`}
          </li>
        ))}
      </ul>
    </section>
  );
}

export interface RegistrationState {
  closed: Problem | null;
  values: FormValues;
  errors: FieldError[];
}

/** The event page: what, when (in the event's zone, with the UTC offset), who, and the form. */
export function EventPage(p: {
  ev: EventWithRelations;
  config: Config;
  seats: Availability;
  reg: RegistrationState;
  now: Date;
}) {
  const { row, rel } = p.ev;
  const seats = seatsText(row, p.seats);
  const head = (
    <>
      {raw(`<script type="application/ld+json">${scriptSafeJson(eventJsonLd(row, rel, p.config))}</script>`)}
      {row.status === "published" ? (
        <OembedLink config={p.config} pageUrl={eventPageUrl(p.config, row.slug)} title={row.title} />
      ) : null}
    </>
  );
  const title = p.reg.errors.length ? `Error: ${row.title}` : row.title;
  return (
    <Layout title={title} org={p.config.ORG_NAME} head={head}>
      <article>
        <h1>{row.title}</h1>
        <p class="when meta">
          <When event={row} />
        </p>
        {row.status === "published" && row.endsAt.getTime() <= p.now.getTime() ? (
          <div class="notice info">
            <p>
              This event has taken place.{" "}
              <a href={`/archive/${encodeURIComponent(row.slug)}`}>
                See it in the archive: recordings, chapters and related research
              </a>
              .
            </p>
          </div>
        ) : null}
        {row.status === "cancelled" ? (
          <div class="notice warn">
            <p>This event was cancelled.</p>
          </div>
        ) : null}
        <dl class="facts">
          <dt>Format</dt>
          <dd>{FORMAT_LABEL[row.format]}</dd>
          {row.venue && row.format !== "virtual" ? (
            <>
              <dt>Venue</dt>
              <dd>{row.venue}</dd>
            </>
          ) : null}
          {seats ? (
            <>
              <dt>Seats</dt>
              <dd>{seats}</dd>
            </>
          ) : null}
        </dl>
        {row.summary ? (
          <p>
            <InlineMarkdown text={row.summary} />
          </p>
        ) : null}
        <Markdown text={row.description} />
        <People speakers={rel.speakers} />
        {rel.topics.length ? (
          <section aria-labelledby="topics">
            <h2 id="topics">Topics</h2>
            <ul class="tags">
              {rel.topics.map((t) => (
                <li>{t.name}</li>
              ))}
            </ul>
          </section>
        ) : null}
        <Briefs briefs={rel.briefs} />
        <section aria-labelledby="register">
          <h2 id="register">Register</h2>
          {p.reg.closed ? (
            <div class="notice warn">
              <p>{closedText(row, p.reg.closed)}</p>
            </div>
          ) : (
            <>
              {p.seats.full && row.waitlist ? (
                <p>All seats are taken. Register to join the waitlist: we email you when a seat frees up.</p>
              ) : null}
              <RegistrationForm
                slug={row.slug}
                org={p.config.ORG_NAME}
                newsletterLabel={p.config.NEWSLETTER_LABEL}
                questions={row.questions}
                values={p.reg.values}
                errors={p.reg.errors}
              />
            </>
          )}
        </section>
        {calendarWorthy(row, p.now) ? <AddToCalendar event={row} config={p.config} /> : null}
      </article>
    </Layout>
  );
}

/** The home page: published events that have not ended, soonest first. */
export function EventListPage(p: { items: EventWithRelations[]; config: Config; next: string | null }) {
  return (
    <Layout title="Upcoming events" org={p.config.ORG_NAME}>
      <h1>Upcoming events</h1>
      {p.items.length === 0 ? <p>No events are scheduled right now. Please check back soon.</p> : null}
      <ul class="events">
        {p.items.map(({ row }) => (
          <li>
            <h2>
              <a href={eventPath(row.slug)}>{row.title}</a>
            </h2>
            <p class="when meta">
              <When event={row} />
            </p>
            <p class="meta">{FORMAT_LABEL[row.format]}</p>
            {row.summary ? (
              <p>
                <InlineMarkdown text={row.summary} />
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {p.next ? (
        <nav aria-label="More events">
          <a href={`/?after=${encodeURIComponent(p.next)}`}>Later events</a>
        </nav>
      ) : null}
    </Layout>
  );
}
