import { buildCalendar, type CalendarEntry } from "../../src/features/calendar/ics.js";
import type { EventRow, Relations } from "../../src/features/events/queries.js";

/**
 * The inputs of the golden files (test/golden/*.ics): events around DST changes in New York,
 * Kyiv and Lord Howe (a half-hour shift), text that needs escaping and folding, a CR/LF
 * injection attempt, a cancelled event. Shared by the golden test and the round-trip tests.
 */
export const config = {
  PUBLIC_URL: "https://events.example.org",
  ORG_NAME: "Defense Priorities",
  DEFAULT_TIME_ZONE: "America/New_York",
} as const;

export const JOIN_URL = "https://zoom.example.com/j/8675309?pwd=secret";

const at = (iso: string) => new Date(iso);

function row(
  id: string,
  o: Partial<EventRow> & Pick<EventRow, "title" | "startsAt" | "endsAt" | "timeZone">,
): EventRow {
  return {
    id,
    slug: id.replace(/^evt_/, "").replace(/_/g, "-"),
    summary: null,
    description: null,
    format: "virtual",
    status: "published",
    joinUrl: JOIN_URL,
    venue: null,
    capacity: null,
    waitlist: true,
    registrationOpensAt: null,
    registrationClosesAt: null,
    questions: [],
    reminders: ["P1D", "PT1H"],
    sequence: 0,
    revision: 3,
    createdAt: at("2026-01-05T10:00:00Z"),
    updatedAt: at("2026-01-10T15:30:45Z"),
    publishedAt: at("2026-01-10T15:30:45Z"),
    cancelledAt: null,
    ...o,
  };
}

const noRel: Relations = { topics: [], speakers: [], briefs: [] };
const panel: Relations = {
  topics: [
    { slug: "nato", name: "NATO" },
    { slug: "ukraine-russia", name: "Ukraine\u2011Russia" },
  ],
  speakers: [
    {
      slug: "daniel-davis",
      name: "Daniel Davis",
      title: "Senior Fellow",
      affiliation: "Defense Priorities",
      photoUrl: null,
      role: "speaker",
    },
    {
      slug: "olena-kovalenko",
      name: "Олена Коваленко",
      title: "Дослідниця",
      affiliation: "Київ",
      photoUrl: null,
      role: "speaker",
    },
    {
      slug: "jen-kavanagh",
      name: "Jennifer Kavanagh",
      title: null,
      affiliation: null,
      photoUrl: null,
      role: "moderator",
    },
  ],
  briefs: [],
};

const ukrainian =
  "Чи варто Україні погодитися на перемир'я, чи продовжувати боротьбу? Троє експертів обговорюють ціну кожного вибору; питання з аудиторії — наприкінці, а запис буде опубліковано.";

/** Each event with the UTC instants a parser must recover. */
export const events: Record<string, CalendarEntry> = {
  // 03:30 EDT on the day New York springs forward (02:00-03:00 does not exist).
  newYorkSpring: {
    row: row("evt_ny_spring", {
      title: "Ukraine's critical choice: Pursue peace, or fight on; a debate \\ Q&A",
      summary: "A one-hour webinar with three experts.",
      description: `Line one.\nLine two, with a comma; and a semicolon.\n${"Long text to fold. ".repeat(8)}`,
      startsAt: at("2026-03-08T07:30:00Z"),
      endsAt: at("2026-03-08T08:30:00Z"),
      timeZone: "America/New_York",
      sequence: 2,
    }),
    rel: panel,
  },
  // 01:30 EDT, the first of the two 01:30s of the night New York falls back: written in UTC.
  newYorkFallOverlap: {
    row: row("evt_ny_fall_overlap", {
      title: "Night owl briefing",
      startsAt: at("2026-11-01T05:30:00Z"),
      endsAt: at("2026-11-01T07:30:00Z"),
      timeZone: "America/New_York",
    }),
    rel: noRel,
  },
  // 02:00 EST, just after the overlap: an ordinary local time again.
  newYorkFall: {
    row: row("evt_ny_fall", {
      title: "Morning after the clocks change",
      startsAt: at("2026-11-01T07:00:00Z"),
      endsAt: at("2026-11-01T08:00:00Z"),
      timeZone: "America/New_York",
    }),
    rel: noRel,
  },
  // Starts 02:30 EET and ends 04:30 EEST: spans the spring-forward gap in Kyiv.
  kyiv: {
    row: row("evt_kyiv", {
      title: "Вибір України: мир чи боротьба",
      description: ukrainian,
      format: "hybrid",
      venue: "Український дім, вул. Хрещатик 2, Київ",
      startsAt: at("2026-03-29T00:30:00Z"),
      endsAt: at("2026-03-29T01:30:00Z"),
      timeZone: "Europe/Kyiv",
      sequence: 1,
    }),
    rel: { ...panel, topics: [{ slug: "ukraine", name: "Україна" }] },
  },
  // 01:00 +11 to 02:30 +10:30: across Lord Howe's half-hour fall-back.
  lordHoweApril: {
    row: row("evt_lord_howe_april", {
      title: "Indo-Pacific outlook",
      startsAt: at("2026-04-04T14:00:00Z"),
      endsAt: at("2026-04-04T16:00:00Z"),
      timeZone: "Australia/Lord_Howe",
    }),
    rel: noRel,
  },
  // 01:45 +10:30, the second 01:45 of that night: written in UTC.
  lordHoweOverlap: {
    row: row("evt_lord_howe_overlap", {
      title: "Indo-Pacific late session",
      startsAt: at("2026-04-04T15:15:00Z"),
      endsAt: at("2026-04-04T16:15:00Z"),
      timeZone: "Australia/Lord_Howe",
    }),
    rel: noRel,
  },
  // 01:45 +10:30 to 03:00 +11: across the half-hour spring-forward gap (02:00-02:30).
  lordHoweOctober: {
    row: row("evt_lord_howe_october", {
      title: "Pacific security",
      startsAt: at("2026-10-03T15:15:00Z"),
      endsAt: at("2026-10-03T16:00:00Z"),
      timeZone: "Australia/Lord_Howe",
    }),
    rel: noRel,
  },
  cancelledInPerson: {
    row: row("evt_cancelled", {
      title: "Breakfast, cancelled",
      format: "in_person",
      venue: "1 Main St, Suite 100; Washington, DC",
      status: "cancelled",
      sequence: 3,
      startsAt: at("2026-02-12T13:00:00Z"),
      endsAt: at("2026-02-12T14:30:00Z"),
      timeZone: "America/New_York",
      cancelledAt: at("2026-01-12T09:00:00Z"),
      updatedAt: at("2026-01-12T09:00:00Z"),
    }),
    rel: noRel,
  },
  injection: {
    row: row("evt_injection", {
      title: "Evil\r\nATTENDEE:mailto:x@example.org\r\nDESCRIPTION:pwned\rEND:VEVENT\n",
      description: `Staff pasted the meeting link: ${JOIN_URL}\u0000\u0007`,
      startsAt: at("2026-02-20T17:00:00Z"),
      endsAt: at("2026-02-20T18:00:00Z"),
      timeZone: "Europe/Kiev", // an alias: written with the canonical TZID Europe/Kyiv
    }),
    rel: noRel,
  },
};

export const attendee = { email: "olena@example.org", name: 'Олена "Lena" Коваленко' };
export const personalJoinUrl = "https://events.example.org/j/f/reg_golden/abcdefghjkmnpqrstvwxyz0123";

const rescheduled: CalendarEntry = {
  ...events.kyiv!,
  row: {
    ...events.kyiv!.row,
    startsAt: at("2026-03-30T15:00:00Z"),
    endsAt: at("2026-03-30T16:00:00Z"),
    sequence: 2,
    revision: 4,
    updatedAt: at("2026-01-20T08:00:00Z"),
  },
};

/** Every golden artefact: file name -> the builder's output. */
export function artefacts(): Record<string, string> {
  const invite = { attendee, personalJoinUrl, alarmMinutesBefore: [15] };
  return {
    "feed.ics": buildCalendar({
      name: "Defense Priorities events",
      description: "Events of Defense Priorities: upcoming and the last 30 days.",
      method: "PUBLISH",
      events: Object.values(events),
      config,
      timeZone: config.DEFAULT_TIME_ZONE,
      refreshMinutes: 60,
      transparent: true,
    }),
    "event.ics": buildCalendar({
      name: events.newYorkSpring!.row.title,
      method: "PUBLISH",
      events: [events.newYorkSpring!],
      config,
    }),
    "request.ics": buildCalendar({
      name: events.kyiv!.row.title,
      method: "REQUEST",
      events: [{ ...events.kyiv!, ...invite }],
      config,
    }),
    "request-updated.ics": buildCalendar({
      name: rescheduled.row.title,
      method: "REQUEST",
      events: [{ ...rescheduled, ...invite }],
      config,
    }),
    "cancel.ics": buildCalendar({
      name: rescheduled.row.title,
      method: "CANCEL",
      events: [{ ...rescheduled, row: { ...rescheduled.row, status: "cancelled", sequence: 3 }, attendee }],
      config,
    }),
  };
}

/** What a parser must find in each artefact: UID -> instants, sequence, status. */
export function expectations(): Record<
  string,
  { uid: string; start: string; end: string; sequence: number; status: string; method: string }[]
> {
  const exp = (e: CalendarEntry, method: string, status?: string) => ({
    uid: `${e.row.id}@events.example.org`,
    start: e.row.startsAt.toISOString(),
    end: e.row.endsAt.toISOString(),
    sequence: e.row.sequence,
    status: status ?? (e.row.status === "cancelled" ? "CANCELLED" : "CONFIRMED"),
    method,
  });
  return {
    "feed.ics": Object.values(events).map((e) => exp(e, "PUBLISH")),
    "event.ics": [exp(events.newYorkSpring!, "PUBLISH")],
    "request.ics": [exp(events.kyiv!, "REQUEST")],
    "request-updated.ics": [exp(rescheduled, "REQUEST")],
    "cancel.ics": [exp({ ...rescheduled, row: { ...rescheduled.row, sequence: 3 } }, "CANCEL", "CANCELLED")],
  };
}
