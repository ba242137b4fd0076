-- Full-text index of events for the archive search (FTS5; libsql and D1 both ship it).
-- One row per event (rowid = events.rowid) with the text a reader searches: title, summary,
-- description, speaker names, related brief titles, recording chapter titles and topics.
-- Triggers keep it in sync inside the very statement that changes the content, so no write
-- path can forget it. unicode61 with remove_diacritics folds case and accents for any script
-- (Kyiv / Київ) and treats dashes such as U+2011 as separators; prefix indexes make
-- "ukr*" queries cheap.
CREATE VIRTUAL TABLE archive_fts USING fts5(
  title, summary, description, speakers, briefs, chapters, topics,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_ins AFTER INSERT ON events BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (NEW.id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_upd AFTER UPDATE OF title, summary, description ON events BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (NEW.id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_del AFTER DELETE ON events BEGIN
  DELETE FROM archive_fts WHERE rowid = OLD.rowid;
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_people_ins AFTER INSERT ON event_people BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (NEW.event_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (NEW.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_people_del AFTER DELETE ON event_people BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (OLD.event_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (OLD.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_briefs_ins AFTER INSERT ON event_briefs BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (NEW.event_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (NEW.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_briefs_del AFTER DELETE ON event_briefs BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (OLD.event_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (OLD.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_topics_ins AFTER INSERT ON event_topics BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (NEW.event_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (NEW.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_event_topics_del AFTER DELETE ON event_topics BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (OLD.event_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (OLD.event_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_people_upd AFTER UPDATE OF name ON people BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (SELECT event_id FROM event_people WHERE person_id = NEW.id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (SELECT event_id FROM event_people WHERE person_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_briefs_upd AFTER UPDATE OF title ON briefs BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (SELECT event_id FROM event_briefs WHERE brief_id = NEW.id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (SELECT event_id FROM event_briefs WHERE brief_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_topics_upd AFTER UPDATE OF name ON topics BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (SELECT event_id FROM event_topics WHERE topic_id = NEW.id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (SELECT event_id FROM event_topics WHERE topic_id = NEW.id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_chapters_ins AFTER INSERT ON recording_chapters BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (SELECT event_id FROM recordings WHERE id = NEW.recording_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (SELECT event_id FROM recordings WHERE id = NEW.recording_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_chapters_upd AFTER UPDATE ON recording_chapters BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (SELECT event_id FROM recordings WHERE id = NEW.recording_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (SELECT event_id FROM recordings WHERE id = NEW.recording_id);
END;
--> statement-breakpoint
CREATE TRIGGER archive_fts_chapters_del AFTER DELETE ON recording_chapters BEGIN
  DELETE FROM archive_fts WHERE rowid IN (SELECT rowid FROM events WHERE id IN (SELECT event_id FROM recordings WHERE id = OLD.recording_id));
  INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
  SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
    coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
    coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
    coalesce((SELECT group_concat(c.title, ' ') FROM recording_chapters c JOIN recordings r ON r.id = c.recording_id WHERE r.event_id = e.id), ''),
    coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
  FROM events e WHERE e.id IN (SELECT event_id FROM recordings WHERE id = OLD.recording_id);
END;
--> statement-breakpoint
INSERT INTO archive_fts (rowid, title, summary, description, speakers, briefs, chapters, topics)
SELECT e.rowid, e.title, coalesce(e.summary, ''), coalesce(e.description, ''),
  coalesce((SELECT group_concat(p.name, ' ') FROM event_people ep JOIN people p ON p.id = ep.person_id WHERE ep.event_id = e.id), ''),
  coalesce((SELECT group_concat(b.title, ' ') FROM event_briefs eb JOIN briefs b ON b.id = eb.brief_id WHERE eb.event_id = e.id), ''),
  '',
  coalesce((SELECT group_concat(t.name, ' ') FROM event_topics et JOIN topics t ON t.id = et.topic_id WHERE et.event_id = e.id), '')
FROM events e;
