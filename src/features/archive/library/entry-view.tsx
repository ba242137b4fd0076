import type { Config } from "../../../config.js";
import { BRIEF_RELATIONS } from "../../../db/schema.js";
import { OembedLink } from "../../../web/embedding.js";
import { FORMAT_LABEL } from "../../../web/format.js";
import { Layout } from "../../../web/layout.js";
import { InlineMarkdown, Markdown } from "../../../web/markdown.js";
import type { EventWithRelations, Relations } from "../../events/index.js";
import { clockLabel, durationLabel, KIND_LABEL, linkAt, playerFor } from "./embed.js";
import {
  archivePath,
  BRIEF_KIND,
  briefPath,
  DateRange,
  EventCards,
  FeedLinks,
  RELATION_HEADING,
  SpeakerList,
  TopicTags,
} from "./parts.js";
import type { Chapter, EventCard, RecordingRow } from "./queries.js";

function Chapters(p: { recording: RecordingRow; chapters: Chapter[]; label: string }) {
  if (p.chapters.length === 0) return null;
  const { provider, url } = p.recording;
  return (
    <nav class="chapters" aria-label={`Chapters of ${p.label}`}>
      <h4>Chapters</h4>
      <ol>
        {p.chapters.map((c) => (
          <li>
            <a href={linkAt(provider, url, c.startSeconds)}>
              <span class="at">{clockLabel(c.startSeconds)}</span> <span class="t">{c.title}</span>
            </a>
            {c.briefSlug ? (
              <>
                {" "}
                (see <a href={briefPath(c.briefSlug)}>{c.briefTitle}</a>)
              </>
            ) : null}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Recording(p: { recording: RecordingRow; chapters: Chapter[]; eventTitle: string }) {
  const r = p.recording;
  const label = r.title ?? `${KIND_LABEL[r.kind]}: ${p.eventTitle}`;
  const player = playerFor(r.provider, r.url);
  return (
    <section class="recording" aria-label={label}>
      <h3>
        {r.title ?? KIND_LABEL[r.kind]}
        {r.durationSeconds ? <span class="meta">{` (${durationLabel(r.durationSeconds)})`}</span> : null}
      </h3>
      {r.demo ? (
        <p class="notice info demo">
          <strong>Demo recording.</strong> This is an example, not the recording of this event.
        </p>
      ) : null}
      {player ? (
        <div class="player">
          {/* no-referrer is our page policy; YouTube's player refuses to play without the origin. */}
          <iframe
            src={player.embed}
            title={label}
            loading="lazy"
            referrerpolicy="strict-origin-when-cross-origin"
            allow="encrypted-media; fullscreen; picture-in-picture"
            allowfullscreen
          />
        </div>
      ) : null}
      <p>
        <a href={r.url}>
          {player
            ? `Open on ${r.provider === "youtube" ? "YouTube" : "Vimeo"}`
            : `Open the ${KIND_LABEL[r.kind].toLowerCase()} file`}
        </a>
      </p>
      <Chapters recording={r} chapters={p.chapters} label={label} />
    </section>
  );
}

function RelatedBriefs(p: { briefs: Relations["briefs"] }) {
  if (p.briefs.length === 0) return null;
  return (
    <section aria-labelledby="research">
      <h2 id="research">Related research</h2>
      {BRIEF_RELATIONS.map((relation) => {
        const group = p.briefs.filter((b) => b.relation === relation);
        if (group.length === 0) return null;
        return (
          <>
            <h3 id={`rel-${relation}`}>{RELATION_HEADING[relation]}</h3>
            <ul aria-labelledby={`rel-${relation}`}>
              {group.map((b) => (
                <li>
                  <a href={briefPath(b.slug)}>{b.title}</a>
                  <span class="meta">
                    {` ${BRIEF_KIND[b.kind as keyof typeof BRIEF_KIND] ?? b.kind}${b.publishedOn ? `, ${b.publishedOn}` : ""}`}
                  </span>
                </li>
              ))}
            </ul>
          </>
        );
      })}
    </section>
  );
}

export interface EntryData {
  ev: EventWithRelations;
  recordings: RecordingRow[];
  chapters: Chapter[];
  more: EventCard[];
}

/** The archive entry of a past event: its recordings with chapters, people, topics and research. */
export function ArchiveEntryPage(p: EntryData & { config: Config; now: Date }) {
  const { row, rel } = p.ev;
  return (
    <Layout
      title={row.title}
      org={p.config.ORG_NAME}
      head={
        <>
          <FeedLinks base="/archive" title="New recordings" />
          <OembedLink
            config={p.config}
            pageUrl={`${p.config.PUBLIC_URL}${archivePath(row.slug)}`}
            title={row.title}
          />
        </>
      }
    >
      <article>
        <p class="meta">
          <a href="/archive">Archive</a>
        </p>
        <h1>{row.title}</h1>
        <p class="when meta">
          <DateRange startsAt={row.startsAt} endsAt={row.endsAt} timeZone={row.timeZone} />
        </p>
        <p class="meta">{`${FORMAT_LABEL[row.format]}. This event has taken place.`}</p>
        <section aria-labelledby="recordings">
          <h2 id="recordings">{p.recordings.length > 1 ? "Recordings" : "Recording"}</h2>
          {p.recordings.length === 0 ? <p>No recording of this event has been published.</p> : null}
          {p.recordings.map((r) => (
            <Recording
              recording={r}
              chapters={p.chapters.filter((c) => c.recordingId === r.id)}
              eventTitle={row.title}
            />
          ))}
        </section>
        {row.summary ? (
          <p>
            <InlineMarkdown text={row.summary} />
          </p>
        ) : null}
        <Markdown text={row.description} />
        {rel.speakers.length ? (
          <section aria-labelledby="speakers">
            <h2 id="speakers">Speakers</h2>
            <SpeakerList speakers={rel.speakers} />
          </section>
        ) : null}
        {rel.topics.length ? (
          <section aria-labelledby="topics">
            <h2 id="topics">Topics</h2>
            <TopicTags topics={rel.topics} />
          </section>
        ) : null}
        <RelatedBriefs briefs={rel.briefs} />
        {p.more.length ? (
          <section aria-labelledby="more">
            <h2 id="more">More on this topic</h2>
            <EventCards items={p.more} now={p.now} empty="" />
          </section>
        ) : null}
      </article>
    </Layout>
  );
}
