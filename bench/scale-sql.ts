import { FILLER, FIRST, LAST, TOPICS, WORDS } from "./archive-text.js";
import { benchDescription } from "./calendar.js";

/**
 * The SQL that fills the scale database (bench/scale-data.ts runs it). Everything is INSERT ...
 * SELECT over generate_series inside the database, so a million rows take seconds, not the
 * minutes of row-by-row inserts from JavaScript. Text is drawn from archive-text's vocabulary
 * (the archive benchmarks' search terms match it) through a temporary table, with random()
 * per word; links use fixed arithmetic on the event or brief number so they never collide.
 *
 * Link rows are written before the events they belong to, so the archive's FTS triggers on
 * event_people, event_topics, event_briefs and recording_chapters find no event yet and do
 * nothing, and the trigger on events then indexes each event once, with all its links:
 * the same FTS row the app's writes end with, built once instead of once per link.
 */
export interface ScaleSize {
  events: number;
  /** Of `events`, how many are upcoming (the rest are past, outside the feeds' 30 days). */
  upcoming: number;
  registrations: number;
  attendees: number;
  briefs: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const PAST_START = Date.UTC(2012, 0, 1);
// Upcoming events use the calendar benchmark's zones, so the feed carries the same VTIMEZONEs.
const ZONES = ["America/New_York", "Europe/Kyiv", "Europe/London", "Australia/Lord_Howe"];
/** Very large events (a newsletter announcement): event numbers, past and upcoming. */
export const bigEvents = (s: ScaleSize) => [
  Math.floor(s.events * 0.02),
  Math.floor(s.events * 0.4),
  s.events - s.upcoming - 40,
  s.events - 1,
];
/** The one big event with a capacity and a long waitlist: as many waitlisted as confirmed. */
export const waitlistedEvent = (s: ScaleSize) => s.events - 2;
export const waitlistedRegistrations = (s: ScaleSize) => Math.min(20_000, Math.floor(s.registrations / 50));
export const BIG_SHARE = 0.1;
/** Events' slugs: "scale-event-<n>" (see the events INSERT). */
export const eventSlug = (n: number) => `scale-event-${n}`;

/** 1,000 draws: the first 300 skewed towards the front of WORDS (as archive-text's term()), then filler. */
function vocabulary(): string[] {
  const terms = Array.from({ length: 300 }, (_, k) => WORDS[Math.floor((k / 300) ** 1.5 * WORDS.length)]!);
  const filler = Array.from({ length: 700 }, (_, k) => FILLER[k % FILLER.length]!);
  return [...terms, ...filler];
}

/**
 * Random words are read from a stream of stored random draws (temp.stream, temp.terms): each row
 * reads its own window, placed by its number `x` and a `salt` per field. random() inside a
 * correlated subquery is not safe here: the planner may evaluate it once per vocabulary row
 * it scans, which skews the draw towards the front of the list.
 */
const STREAM = 1_000_003;
const at = (x: string, salt: number) => `((${x}) * 7919 + ${salt * 104_729}) % ${STREAM - 64}`;
const words = (n: number, x: string, salt: number) =>
  `(SELECT group_concat(w, ' ') FROM temp.stream WHERE j BETWEEN ${at(x, salt)} AND ${at(x, salt)} + ${n - 1})`;
const sentence = (n: number, x: string, salt: number) =>
  `(SELECT upper(substr(s, 1, 1)) || substr(s, 2) || '.' FROM (SELECT ${words(n, x, salt)} AS s))`;
/** A search term, skewed like archive-text's term(). */
const term = (x: string, salt: number) => `(SELECT w FROM temp.terms WHERE j = ${at(x, salt)})`;
const title = (x: string, salt: number) => `(SELECT CASE (${x}) % 5
    WHEN 0 THEN upper(substr(a, 1, 1)) || substr(a, 2) || ' and ' || b || ': what comes next for ' || c
    WHEN 1 THEN 'The ' || a || ' question: ' || b || ', ' || c || ' and the ' || a || ' debate'
    WHEN 2 THEN upper(substr(a, 1, 1)) || substr(a, 2) || ' after the ' || b || ' summit'
    WHEN 3 THEN 'Is ' || a || ' ' || b || ' the least poor option?'
    ELSE upper(substr(a, 1, 1)) || substr(a, 2) || ', ' || b || ' and American ' || c END
    FROM (SELECT ${term(x, salt)} AS a, ${term(x, salt + 1)} AS b, ${term(x, salt + 2)} AS c))`;

/** Statements with their JSON parameter (one each at most), run in order inside one transaction. */
export function scaleStatements(s: ScaleSize, now: number): { sql: string; args?: unknown[] }[] {
  const past = s.events - s.upcoming;
  // Past events end more than 30 days ago (outside every feed); upcoming ones start in a week.
  const pastEnd = now - 35 * DAY;
  const step = Math.floor((pastEnd - PAST_START) / past);
  const firstUpcoming = Math.floor(now / DAY) * DAY + 7 * DAY;
  const big = bigEvents(s);
  const waitlisted = waitlistedEvent(s);
  const queued = waitlistedRegistrations(s);
  const capacity = queued / 2;
  const people = FIRST.flatMap((f) => LAST.map((l) => `${f} ${l}`));
  const stamp = `${now}, ${now}`;
  return [
    { sql: "CREATE TEMP TABLE vocab (i INTEGER PRIMARY KEY, w TEXT NOT NULL)" },
    {
      sql: "INSERT INTO temp.vocab SELECT key, value FROM json_each(?)",
      args: [JSON.stringify(vocabulary())],
    },
    { sql: "CREATE TEMP TABLE draws (j INTEGER PRIMARY KEY, r INTEGER NOT NULL)" },
    {
      sql: `INSERT INTO temp.draws SELECT value, abs(random()) % 1000 FROM generate_series(0, ${STREAM - 1})`,
    },
    { sql: "CREATE TEMP TABLE stream (j INTEGER PRIMARY KEY, w TEXT NOT NULL)" },
    { sql: "INSERT INTO temp.stream SELECT d.j, v.w FROM temp.draws d JOIN temp.vocab v ON v.i = d.r" },
    { sql: "CREATE TEMP TABLE terms (j INTEGER PRIMARY KEY, w TEXT NOT NULL)" },
    { sql: "INSERT INTO temp.terms SELECT d.j, v.w FROM temp.draws d JOIN temp.vocab v ON v.i = d.r % 300" },
    {
      sql: `INSERT INTO topics (id, slug, name, created_at, updated_at)
        SELECT 'top_s' || key, lower(replace(replace(value, ' ', '-'), '-', '-')) || '-' || key, value, ${stamp} FROM json_each(?)`,
      args: [JSON.stringify(TOPICS)],
    },
    {
      sql: `INSERT INTO people (id, slug, name, title, affiliation, created_at, updated_at)
        SELECT 'per_s' || key, lower(replace(value, ' ', '-')) || '-' || key, value, 'Senior fellow', 'Institute', ${stamp}
        FROM json_each(?)`,
      args: [JSON.stringify(people)],
    },
    {
      sql: `INSERT INTO briefs (id, slug, title, kind, url, outlet, published_on, summary, created_at, updated_at)
        SELECT 'brf_s' || value, 'brief-' || value, ${title("value", 1)},
          json_extract('["brief","explainer","report","op-ed","in-the-media"]', '$[' || (value % 5) || ']'),
          'https://research.example.org/b/' || value, NULL,
          date(${PAST_START / 1000} + (abs(random()) % ${Math.floor((now - PAST_START) / DAY)}) * 86400, 'unixepoch'),
          ${sentence(14, "value", 4)} || ' ' || ${sentence(10, "value", 5)}, ${stamp}
        FROM generate_series(1, ${s.briefs})`,
    },
    {
      sql: `INSERT INTO brief_authors (brief_id, person_id, position)
        SELECT 'brf_s' || value, 'per_s' || ((value * 7919) % ${people.length}), 0 FROM generate_series(1, ${s.briefs})
        UNION ALL
        SELECT 'brf_s' || value, 'per_s' || ((value * 7919 + 1 + value % 100) % ${people.length}), 1
        FROM generate_series(1, ${s.briefs}) WHERE value % 2 = 0`,
    },
    {
      // 1-3 topics: offsets 0, 1..9 and 11..18 from the first are always distinct (mod 20).
      sql: `INSERT INTO brief_topics (brief_id, topic_id)
        SELECT 'brf_s' || value, 'top_s' || ((value * 31) % 20) FROM generate_series(1, ${s.briefs})
        UNION ALL SELECT 'brf_s' || value, 'top_s' || ((value * 31 + 1 + value % 9) % 20)
          FROM generate_series(1, ${s.briefs}) WHERE value % 3 > 0
        UNION ALL SELECT 'brf_s' || value, 'top_s' || ((value * 31 + 11 + value % 8) % 20)
          FROM generate_series(1, ${s.briefs}) WHERE value % 3 = 2`,
    },
    {
      // One row per event with its times and status; everything below selects from it.
      sql: "CREATE TEMP TABLE ev (n INTEGER PRIMARY KEY, id TEXT NOT NULL, starts_at INTEGER NOT NULL, status TEXT NOT NULL)",
    },
    {
      sql: `INSERT INTO temp.ev SELECT value AS n, 'evt_s' || value AS id,
          CASE WHEN value <= ${past} THEN ${PAST_START} + (value - 1) * ${step} + (14 + value % 6) * ${HOUR}
            ELSE ${firstUpcoming} + ((value - ${past + 1}) / 2) * ${DAY} + (14 + 5 * (value % 2)) * ${HOUR} END AS starts_at,
          CASE WHEN value <= ${past} AND value % 50 = 7 THEN 'cancelled' ELSE 'published' END AS status
        FROM generate_series(1, ${s.events})`,
    },
    {
      // Past events only: the upcoming ones are the calendar benchmark's, whose feed entries name no speakers.
      sql: `INSERT INTO event_people (event_id, person_id, role, position)
        SELECT id, 'per_s' || ((n * 7919 + 13) % ${people.length}), 'moderator', 0 FROM temp.ev WHERE n <= ${past}
        UNION ALL SELECT id, 'per_s' || ((n * 7919 + 14 + n % 100) % ${people.length}), 'speaker', 1 FROM temp.ev WHERE n <= ${past} AND n % 3 > 0
        UNION ALL SELECT id, 'per_s' || ((n * 7919 + 114 + n % 100) % ${people.length}), 'speaker', 2 FROM temp.ev WHERE n <= ${past} AND n % 3 = 2`,
    },
    {
      sql: `INSERT INTO event_topics (event_id, topic_id)
        SELECT id, 'top_s' || ((n * 13) % 20) FROM temp.ev
        UNION ALL SELECT id, 'top_s' || ((n * 13 + 1 + n % 4) % 20) FROM temp.ev WHERE (n / 3) % 4 >= 1
        UNION ALL SELECT id, 'top_s' || ((n * 13 + 5 + n % 5) % 20) FROM temp.ev WHERE (n / 3) % 4 >= 2
        UNION ALL SELECT id, 'top_s' || ((n * 13 + 10 + n % 5) % 20) FROM temp.ev WHERE (n / 3) % 4 = 3`,
    },
    {
      sql: `INSERT INTO event_briefs (event_id, brief_id, relation, position)
        SELECT id, 'brf_s' || (1 + (n * 104729) % ${s.briefs}), 'background_reading', 0 FROM temp.ev WHERE n % 3 >= 1
        UNION ALL SELECT id, 'brf_s' || (1 + (n * 104729 + 7) % ${s.briefs}), 'published_after', 1 FROM temp.ev WHERE n % 3 = 2`,
    },
    {
      // About 60% of the past, published events have a recording.
      sql: `INSERT INTO recordings (id, event_id, kind, provider, url, title, duration_seconds, published, published_at, demo, position, created_at, updated_at)
        SELECT 'rec_s' || n, id, 'video', 'youtube', 'https://www.youtube.com/watch?v=' || substr(lower(hex(randomblob(6))), 1, 11),
          NULL, 3600, 1, starts_at + ${HOUR + DAY}, 1, 0, ${stamp}
        FROM temp.ev WHERE n <= ${past} AND status = 'published' AND (n * 7) % 10 < 6`,
    },
    {
      sql: `INSERT INTO recording_chapters (recording_id, position, start_seconds, title, brief_id)
        SELECT 'rec_s' || e.n, g.value, g.value * 900, ${words(4, "e.n * 3 + g.value", 6)}, NULL
        FROM temp.ev e JOIN generate_series(0, 2) g ON g.value < (e.n / 7) % 4
        WHERE e.n <= ${past} AND e.status = 'published' AND (e.n * 7) % 10 < 6`,
    },
    {
      // Upcoming events are the calendar benchmark's (its titles, descriptions and zones, no
      // summary), so /calendar.ics on this database is the same size as on the small one.
      sql: `INSERT INTO events (id, slug, title, summary, description, format, status, starts_at, ends_at, time_zone,
          join_url, capacity, waitlist, sequence, revision, created_at, updated_at, published_at, cancelled_at)
        SELECT e.id, 'scale-event-' || e.n,
          CASE WHEN e.n <= ${past} THEN ${title("e.n", 7)} ELSE 'Bench calendar event ' || (e.n - ${past}) END,
          CASE WHEN e.n <= ${past} THEN ${sentence(18, "e.n", 10)} END,
          CASE WHEN e.n <= ${past} THEN ${sentence(30, "e.n", 11)} || char(10) || char(10) || ${sentence(25, "e.n", 12)} || char(10) || char(10) || ${sentence(30, "e.n", 13)}
            ELSE (SELECT value FROM json_each(?1) WHERE key = e.n - ${past + 1}) END,
          json_extract('["virtual","in_person","hybrid"]', '$[' || (e.n % 3) || ']'), e.status, e.starts_at, e.starts_at + ${HOUR},
          CASE WHEN e.n <= ${past} THEN 'America/New_York' ELSE json_extract(?2, '$[' || (e.n % 4) || ']') END,
          'https://meet.example.org/bench', CASE WHEN e.n = ${waitlisted} THEN ${capacity} END, 1,
          e.n % 3, e.n % 3 + 1, e.starts_at - 30 * ${DAY}, min(e.starts_at + ${DAY}, ${now}), e.starts_at - 21 * ${DAY},
          CASE WHEN e.status = 'cancelled' THEN e.starts_at - 2 * ${DAY} END
        FROM temp.ev e ORDER BY e.n`,
      args: [
        JSON.stringify(Array.from({ length: s.upcoming }, (_, i) => benchDescription(i))),
        JSON.stringify(ZONES),
      ],
    },
    {
      sql: `INSERT INTO reminders (id, event_id, kind, offset_iso, due_at, status, done_at, created_at, updated_at)
        SELECT 'rem_s' || e.n || o.key, e.id, 'before_start', o.value, e.starts_at - CASE o.value WHEN 'P1D' THEN ${DAY} ELSE ${HOUR} END,
          CASE WHEN e.n > ${past} THEN 'scheduled' WHEN e.status = 'published' THEN 'done' ELSE 'dropped' END,
          CASE WHEN e.n <= ${past} THEN e.starts_at - ${HOUR} END, ${stamp}
        FROM temp.ev e JOIN json_each('["P1D","PT1H"]') o`,
    },
    {
      sql: `INSERT INTO attendees (id, email, name, created_at, updated_at)
        SELECT 'att_s' || value, 'reader' || value || '@example.org',
          json_extract(?, '$[' || (value % ${FIRST.length}) || ']') || ' ' || json_extract(?, '$[' || ((value / ${FIRST.length}) % ${LAST.length}) || ']'),
          ${stamp}
        FROM generate_series(1, ${s.attendees})`,
      args: [JSON.stringify(FIRST), JSON.stringify(LAST)],
    },
    {
      // The capacity event: its first half confirmed, the second half waitlisted.
      sql: `INSERT INTO registrations (id, event_id, attendee_id, status, waitlist_position, answers, consent_at, created_at, updated_at, confirmed_at, join_key)
        SELECT 'reg_w' || value, 'evt_s${waitlisted}', 'att_s' || value,
          CASE WHEN value <= ${capacity} THEN 'confirmed' ELSE 'waitlisted' END, CASE WHEN value > ${capacity} THEN value - ${capacity} END,
          '{}', ${now}, ${now}, ${now}, CASE WHEN value <= ${capacity} THEN ${now} END, lower(hex(randomblob(12)))
        FROM generate_series(1, ${queued})`,
    },
    {
      // Each registration's event, drawn once and kept (random() must not be drawn again by a join).
      sql: `CREATE TEMP TABLE picks AS SELECT value AS k, CASE
          WHEN value % 10 < ${BIG_SHARE * 10} THEN json_extract(?, '$[' || ((value / 10) % ${big.length}) || ']')
          WHEN value % 10 < 4 THEN ${past} - abs(random()) % (1 + abs(random()) % ${past})
          ELSE 1 + abs(random()) % ${s.events} END AS n
        FROM generate_series(1, ${s.registrations - queued})`,
      args: [JSON.stringify(big)],
    },
    {
      // The rest: a share to the very large events, a share skewed to recent events, the rest
      // spread evenly. The same attendee can land on one event twice: OR IGNORE, topped up below.
      sql: `INSERT OR IGNORE INTO registrations (id, event_id, attendee_id, status, answers, consent_at, created_at, updated_at, confirmed_at, cancelled_at, attended_at, join_key)
        SELECT 'reg_s' || k, id, 'att_s' || (1 + k % ${s.attendees}),
          CASE WHEN k % 14 = 3 THEN 'cancelled' ELSE 'confirmed' END, '{}', at, at, at,
          CASE WHEN k % 14 <> 3 THEN at END,
          CASE WHEN k % 14 = 3 THEN starts_at - ${DAY} END,
          CASE WHEN k % 14 <> 3 AND n <= ${past} AND k % 5 < 2 THEN starts_at + 600000 END,
          CASE WHEN k % 14 <> 3 THEN lower(hex(randomblob(12))) END
        FROM (SELECT r.k, e.id, e.n, e.starts_at, min(e.starts_at - (1 + r.k % 30) * ${DAY}, ${now}) AS at
          FROM temp.picks r JOIN temp.ev e ON e.n = r.n AND e.n <> ${waitlisted})`,
    },
    {
      // Top-up to the exact count: new attendees, each once, on events spread evenly.
      sql: `INSERT INTO attendees (id, email, name, created_at, updated_at)
        SELECT 'att_t' || value, 'late' || value || '@example.org', 'Late Reader', ${stamp}
        FROM generate_series(1, ${s.registrations} - (SELECT count(*) FROM registrations))`,
    },
    {
      sql: `INSERT INTO registrations (id, event_id, attendee_id, status, answers, consent_at, created_at, updated_at, confirmed_at, join_key)
        SELECT 'reg_t' || a.rowid, 'evt_s' || (1 + a.rowid % ${past}), a.id, 'confirmed', '{}', ${now}, ${stamp}, ${now}, lower(hex(randomblob(12)))
        FROM attendees a WHERE a.id LIKE 'att_t%'`,
    },
  ];
}
