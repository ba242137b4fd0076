CREATE TABLE `change_counters` (
	`name` text PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Bumped by the triggers below in the same statement as any change to events, so "the count
-- is unchanged" means "no event changed" (events/change-count.ts). The triggers upsert, so a
-- lost row comes back with the next change (nothing is kept without it), at a random count so
-- that it never repeats one something was kept under.
INSERT INTO change_counters (name, n) VALUES ('events', 0);
--> statement-breakpoint
CREATE TRIGGER events_counted_ins AFTER INSERT ON events BEGIN
  INSERT INTO change_counters (name, n) VALUES ('events', abs(random() % 1000000000000)) ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER events_counted_upd AFTER UPDATE ON events BEGIN
  INSERT INTO change_counters (name, n) VALUES ('events', abs(random() % 1000000000000)) ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER events_counted_del AFTER DELETE ON events BEGIN
  INSERT INTO change_counters (name, n) VALUES ('events', abs(random() % 1000000000000)) ON CONFLICT (name) DO UPDATE SET n = n + 1;
END;
