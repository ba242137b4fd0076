-- An event shows its speakers, topics and briefs (and briefs through its recordings' chapters),
-- so an edit to one of those changes what the event shows: its revision and updated time move,
-- which is what the read cache, ETags and feeds key on. These triggers do it in the statement
-- that edits the person, topic or brief, whoever writes it, so the catalogue features that own
-- those tables need not reach into events (docs/ARCHITECTURE.md, "Reactions kept by the database").
CREATE TRIGGER people_touch_events AFTER UPDATE ON people BEGIN
  UPDATE events SET revision = revision + 1, updated_at = NEW.updated_at
  WHERE id IN (SELECT event_id FROM event_people WHERE person_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER topics_touch_events AFTER UPDATE ON topics BEGIN
  UPDATE events SET revision = revision + 1, updated_at = NEW.updated_at
  WHERE id IN (SELECT event_id FROM event_topics WHERE topic_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER briefs_touch_events AFTER UPDATE ON briefs BEGIN
  UPDATE events SET revision = revision + 1, updated_at = NEW.updated_at
  WHERE id IN (
    SELECT event_id FROM event_briefs WHERE brief_id = NEW.id
    UNION
    SELECT r.event_id FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE c.brief_id = NEW.id);
END;
