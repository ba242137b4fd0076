import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { stamps } from "./columns.js";

export const topics = sqliteTable("topics", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  ...stamps,
});

export const people = sqliteTable("people", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  title: text("title"),
  affiliation: text("affiliation"),
  bio: text("bio"),
  photoUrl: text("photo_url"),
  ...stamps,
});

export const BRIEF_KINDS = ["brief", "explainer", "report", "op-ed", "in-the-media"] as const;

export const briefs = sqliteTable("briefs", {
  id: text("id").primaryKey(),
  slug: text("slug").notNull().unique(),
  title: text("title").notNull(),
  kind: text("kind", { enum: BRIEF_KINDS }).notNull(),
  url: text("url"),
  outlet: text("outlet"),
  publishedOn: text("published_on"), // a calendar date, YYYY-MM-DD: briefs have no time of day
  summary: text("summary"),
  ...stamps,
});

export const briefAuthors = sqliteTable(
  "brief_authors",
  {
    briefId: text("brief_id")
      .notNull()
      .references(() => briefs.id, { onDelete: "cascade" }),
    personId: text("person_id")
      .notNull()
      .references(() => people.id, { onDelete: "restrict" }),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.briefId, t.personId] }), index("brief_authors_person").on(t.personId)],
);

export const briefTopics = sqliteTable(
  "brief_topics",
  {
    briefId: text("brief_id")
      .notNull()
      .references(() => briefs.id, { onDelete: "cascade" }),
    topicId: text("topic_id")
      .notNull()
      .references(() => topics.id, { onDelete: "restrict" }),
  },
  (t) => [primaryKey({ columns: [t.briefId, t.topicId] }), index("brief_topics_topic").on(t.topicId)],
);
