import type { FieldError } from "../../../lib/problem.js";
import { FORMAT_LABEL, formatRange, isoInZone } from "../../../web/format.js";
import { Layout } from "../../../web/layout.js";
import { InlineMarkdown } from "../../../web/markdown.js";
import type { Facets } from "./facets.js";
import type { ArchiveItem, SnippetSegment } from "./search.js";

/** The form's values as the reader sent them (strings), so the form shows what was asked. */
export interface ArchiveForm {
  q: string;
  topic: string;
  person: string;
  year: string;
  format: string;
  hasRecording: string;
}

const RELATION = {
  background_reading: "Background reading",
  published_after: "Published after the event",
  transcript_of: "Transcript",
} as const;

const KIND = { video: "Video", audio: "Audio", transcript: "Transcript", slides: "Slides" } as const;

function duration(seconds: number | null): string {
  if (!seconds) return "";
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return h ? `, ${h} h ${String(m).padStart(2, "0")} min` : `, ${m} min`;
}

/** Matches in <mark>; every piece of text goes through JSX, which escapes it. */
function Snippet(p: { segments: SnippetSegment[] }) {
  return <p class="snippet">{p.segments.map((s) => (s.match ? <mark>{s.text}</mark> : s.text))}</p>;
}

function Item(p: { item: ArchiveItem }) {
  const e = p.item;
  const start = new Date(e.startsAt);
  return (
    <li>
      <h3>
        <a href={e.url}>{e.title}</a>
      </h3>
      <p class="when meta">
        <time datetime={isoInZone(start, e.timeZone)}>
          {formatRange(start, new Date(e.endsAt), e.timeZone)}
        </time>
      </p>
      <p class="meta">
        {FORMAT_LABEL[e.format]}
        {e.recordings.map((r) => (
          <span class="badge">{`${KIND[r.kind]}${duration(r.durationSeconds)}${r.demo ? " (demo)" : ""}`}</span>
        ))}
      </p>
      {e.snippet ? (
        <Snippet segments={e.snippet} />
      ) : e.summary ? (
        <p>
          <InlineMarkdown text={e.summary} />
        </p>
      ) : null}
      {e.speakers.length ? (
        <p class="meta">
          {"Speakers: "}
          {e.speakers.map((s, i) => (
            <>
              {i ? ", " : ""}
              <a href={`/people/${encodeURIComponent(s.slug)}`}>{s.name}</a>
            </>
          ))}
        </p>
      ) : null}
      {e.topics.length ? (
        <ul class="tags" aria-label="Topics">
          {e.topics.map((t) => (
            <li>
              <a href={`/topics/${encodeURIComponent(t.slug)}`}>{t.name}</a>
            </li>
          ))}
        </ul>
      ) : null}
      {e.briefs.length ? (
        <ul class="briefs" aria-label="Related research">
          {e.briefs.map((b) => (
            <li>
              <a href={`/briefs/${encodeURIComponent(b.slug)}`}>{b.title}</a>
              {` (${RELATION[b.relation]})`}
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function Select(p: { name: string; label: string; value: string; options: [string, string][] }) {
  return (
    <div class="field">
      <label for={`f-${p.name}`}>{p.label}</label>
      <select id={`f-${p.name}`} name={p.name}>
        <option value="">Any</option>
        {p.options.map(([value, text]) => (
          <option value={value} selected={value === p.value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

function SearchForm(p: { form: ArchiveForm; facets: Facets }) {
  const f = p.form;
  return (
    <search>
      <form method="get" action="/archive" class="archive-search">
        <div class="field">
          <label for="f-q">Search the archive</label>
          <input id="f-q" type="search" name="q" value={f.q} maxlength={200} autocomplete="off" />
        </div>
        <fieldset class="filters">
          <legend>Filters</legend>
          <Select
            name="topic"
            label="Topic"
            value={f.topic}
            options={p.facets.topics.map((t) => [t.slug, t.name])}
          />
          <Select
            name="person"
            label="Speaker"
            value={f.person}
            options={p.facets.people.map((x) => [x.slug, x.name])}
          />
          <Select
            name="year"
            label="Year"
            value={f.year}
            options={p.facets.years.map((y) => [String(y), String(y)])}
          />
          <Select name="format" label="Format" value={f.format} options={Object.entries(FORMAT_LABEL)} />
          <div class="choice">
            <input
              id="f-rec"
              type="checkbox"
              name="hasRecording"
              value="true"
              checked={f.hasRecording === "true" || f.hasRecording === "1" || f.hasRecording === "on"}
            />
            <label for="f-rec">Only events with a recording</label>
          </div>
        </fieldset>
        <button type="submit">Search</button>
      </form>
    </search>
  );
}

export function ArchivePage(p: {
  org: string;
  form: ArchiveForm;
  facets: Facets;
  items: ArchiveItem[];
  nextHref: string | null;
  errors: FieldError[];
}) {
  const searching = Object.values(p.form).some((v) => v.trim() !== "");
  return (
    <Layout title={p.errors.length ? "Error: Archive" : "Archive"} org={p.org}>
      <h1>Archive of past events</h1>
      <SearchForm form={p.form} facets={p.facets} />
      {p.errors.length ? (
        <div class="summary" role="alert">
          <h2>There is a problem with this search</h2>
          <ul>
            {p.errors.map((e) => (
              <li>{`${e.field}: ${e.message}`}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <section aria-labelledby="results">
        <h2 id="results">{searching ? "Results" : "Past events, newest first"}</h2>
        {p.items.length === 0 && !p.errors.length ? (
          <p>{searching ? "No past events match this search." : "No past events yet."}</p>
        ) : null}
        <ul class="events">
          {p.items.map((item) => (
            <Item item={item} />
          ))}
        </ul>
        {p.nextHref ? (
          <nav aria-label="More results">
            <a href={p.nextHref} rel="next">
              Next page
            </a>
          </nav>
        ) : null}
      </section>
    </Layout>
  );
}
