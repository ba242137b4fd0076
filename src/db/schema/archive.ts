import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { briefs } from "./catalogue.js";
import { instant, stamps } from "./columns.js";
import { events } from "./events.js";

export const RECORDING_KINDS = ["video", "audio", "transcript", "slides"] as const;
export const RECORDING_PROVIDERS = ["youtube", "vimeo", "file"] as const;

export const recordings = sqliteTable(
  "recordings",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: RECORDING_KINDS }).notNull(),
    provider: text("provider", { enum: RECORDING_PROVIDERS }).notNull(),
    url: text("url").notNull(),
    title: text("title"),
    durationSeconds: integer("duration_seconds"),
    published: integer("published", { mode: "boolean" }).notNull().default(false),
    publishedAt: instant("published_at"),
    // Seeded or example recordings say so wherever they are shown.
    demo: integer("demo", { mode: "boolean" }).notNull().default(false),
    position: integer("position").notNull().default(0),
    ...stamps,
  },
  (t) => [
    index("recordings_event").on(t.eventId),
    index("recordings_published").on(t.published, t.publishedAt),
  ],
);

export const recordingChapters = sqliteTable(
  "recording_chapters",
  {
    recordingId: text("recording_id")
      .notNull()
      .references(() => recordings.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    startSeconds: integer("start_seconds").notNull(),
    title: text("title").notNull(),
    briefId: text("brief_id").references(() => briefs.id, { onDelete: "set null" }),
  },
  (t) => [
    primaryKey({ columns: [t.recordingId, t.position] }),
    index("recording_chapters_brief").on(t.briefId),
  ],
);
