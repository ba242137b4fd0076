import type { Config } from "../../../config.js";
import { Layout } from "../../../web/layout.js";
import { InlineMarkdown, Markdown } from "../../../web/markdown.js";
import { PHOTO_SIZE, Photo } from "../../../web/photo.js";
import type { BriefView } from "../../briefs/index.js";
import {
  BRIEF_KIND,
  briefPath,
  EventCards,
  FeedLinks,
  personPath,
  type RELATION_HEADING,
  TopicTags,
  topicPath,
} from "./parts.js";
import type { EventCard, RelatedCard } from "./queries.js";

interface Split {
  upcoming: EventCard[];
  past: EventCard[];
  morePast: boolean;
}

function BriefList(p: { items: BriefView[]; empty: string }) {
  if (p.items.length === 0) return <p>{p.empty}</p>;
  return (
    <ul class="briefs">
      {p.items.map((b) => (
        <li>
          <a href={briefPath(b.slug)}>{b.title}</a>
          <span class="meta">
            {` ${BRIEF_KIND[b.kind]}${b.outlet ? `, ${b.outlet}` : ""}${b.publishedOn ? `, ${b.publishedOn}` : ""}`}
          </span>
          {b.authors.length ? (
            <span class="meta">{` by ${b.authors.map((a) => a.name).join(", ")}`}</span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Events(p: { split: Split; now: Date; more?: string }) {
  return (
    <>
      <section aria-labelledby="upcoming">
        <h2 id="upcoming">Upcoming events</h2>
        <EventCards items={p.split.upcoming} now={p.now} empty="No upcoming events." />
      </section>
      <section aria-labelledby="past">
        <h2 id="past">Past events and recordings</h2>
        <EventCards items={p.split.past} now={p.now} empty="No past events yet." />
        {p.split.morePast && p.more ? (
          <p>
            <a href={p.more}>More in the archive</a>
          </p>
        ) : null}
      </section>
    </>
  );
}

/** /topics: every topic, each to its page (events, recordings and research on it). */
export function TopicsPage(p: { org: string; topics: { slug: string; name: string }[] }) {
  return (
    <Layout title="Topics" org={p.org}>
      <h1>Topics</h1>
      {p.topics.length ? (
        <ul>
          {p.topics.map((t) => (
            <li>
              <a href={`/topics/${encodeURIComponent(t.slug)}`}>{t.name}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>No topics yet.</p>
      )}
    </Layout>
  );
}

export function TopicPage(p: {
  topic: { slug: string; name: string };
  events: Split;
  briefs: BriefView[];
  config: Config;
  now: Date;
}) {
  const base = topicPath(p.topic.slug);
  return (
    <Layout
      title={p.topic.name}
      org={p.config.ORG_NAME}
      head={<FeedLinks base={base} title={`${p.topic.name}: new recordings`} />}
    >
      <p class="meta">Topic</p>
      <h1>{p.topic.name}</h1>
      <ul class="actions plain">
        <li>
          <a href={`${base}/feed.xml`}>Recordings feed (RSS)</a>
        </li>
        <li>
          <a href={`${base}/feed.json`}>JSON Feed</a>
        </li>
        <li>
          <a href={`${base}/calendar.ics`}>Calendar of events (ICS)</a>
        </li>
      </ul>
      <Events split={p.events} now={p.now} more={`/archive?topic=${encodeURIComponent(p.topic.slug)}`} />
      <section aria-labelledby="briefs">
        <h2 id="briefs">Research</h2>
        <BriefList items={p.briefs} empty="No research on this topic yet." />
      </section>
    </Layout>
  );
}

export function PersonPage(p: {
  person: {
    slug: string;
    name: string;
    title: string | null;
    affiliation: string | null;
    bio: string | null;
    photoUrl: string | null;
  };
  events: Split;
  briefs: BriefView[];
  config: Config;
  now: Date;
}) {
  const { person } = p;
  const about = [person.title, person.affiliation].filter(Boolean).join(", ");
  return (
    <Layout title={person.name} org={p.config.ORG_NAME}>
      <p class="meta">Speaker and author</p>
      <div class="person-head">
        <Photo url={person.photoUrl} name={person.name} size={PHOTO_SIZE.portrait} class="photo portrait" />
        <h1>{person.name}</h1>
      </div>
      {about ? <p class="lede">{about}</p> : null}
      <Markdown text={person.bio} />
      <Events split={p.events} now={p.now} more={`/archive?person=${encodeURIComponent(person.slug)}`} />
      <section aria-labelledby="briefs">
        <h2 id="briefs">Research</h2>
        <BriefList items={p.briefs} empty={`No research by ${person.name} yet.`} />
      </section>
    </Layout>
  );
}

const RELATION_NOTE = {
  background_reading: "background reading for this event",
  published_after: "published after this event",
  transcript_of: "transcript of this event",
} satisfies Record<keyof typeof RELATION_HEADING, string>;

export function BriefPage(p: { brief: BriefView; related: RelatedCard[]; config: Config; now: Date }) {
  const b = p.brief;
  return (
    <Layout title={b.title} org={p.config.ORG_NAME}>
      <p class="meta">{BRIEF_KIND[b.kind]}</p>
      <h1>{b.title}</h1>
      <dl class="facts">
        {b.outlet ? (
          <>
            <dt>Outlet</dt>
            <dd>{b.outlet}</dd>
          </>
        ) : null}
        {b.publishedOn ? (
          <>
            <dt>Published</dt>
            <dd>
              <time datetime={b.publishedOn}>{b.publishedOn}</time>
            </dd>
          </>
        ) : null}
        {b.authors.length ? (
          <>
            <dt>{b.authors.length > 1 ? "Authors" : "Author"}</dt>
            <dd>
              {b.authors.map((a, i) => (
                <>
                  {i > 0 ? ", " : ""}
                  <a href={personPath(a.slug)}>{a.name}</a>
                </>
              ))}
            </dd>
          </>
        ) : null}
      </dl>
      {b.summary ? (
        <p>
          <InlineMarkdown text={b.summary} />
        </p>
      ) : null}
      {b.url ? (
        <p>
          <a class="button" href={b.url}>{`Read the ${BRIEF_KIND[b.kind].toLowerCase()}`}</a>
        </p>
      ) : null}
      <TopicTags topics={b.topics} />
      <section aria-labelledby="events">
        <h2 id="events">Related events</h2>
        <EventCards
          items={p.related}
          now={p.now}
          empty="No events are linked to this yet."
          note={(e) => {
            const rel = (e as RelatedCard).relation;
            return rel ? (
              <p class="meta">{`This ${BRIEF_KIND[b.kind].toLowerCase()} is ${RELATION_NOTE[rel]}.`}</p>
            ) : null;
          }}
        />
      </section>
    </Layout>
  );
}
