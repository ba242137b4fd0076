CREATE TABLE `registration_counts` (
	`event_id` text PRIMARY KEY NOT NULL,
	`confirmed` integer DEFAULT 0 NOT NULL,
	`waitlisted` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Counts of confirmed and waitlisted registrations per event, kept by the triggers below in the
-- same statement that changes a registration (an upsert's DO UPDATE fires the UPDATE trigger).
-- Deltas are booleans: (NEW.status = 'confirmed') is 1 or 0.
INSERT INTO registration_counts (event_id, confirmed, waitlisted)
SELECT event_id, sum(status = 'confirmed'), sum(status = 'waitlisted')
FROM registrations GROUP BY event_id;
--> statement-breakpoint
CREATE TRIGGER registration_counts_ins AFTER INSERT ON registrations
WHEN NEW.status IN ('confirmed', 'waitlisted') BEGIN
  INSERT INTO registration_counts (event_id, confirmed, waitlisted)
  VALUES (NEW.event_id, NEW.status = 'confirmed', NEW.status = 'waitlisted')
  ON CONFLICT (event_id) DO UPDATE SET
    confirmed = confirmed + excluded.confirmed, waitlisted = waitlisted + excluded.waitlisted;
END;
--> statement-breakpoint
CREATE TRIGGER registration_counts_upd AFTER UPDATE OF status ON registrations
WHEN OLD.status IS NOT NEW.status BEGIN
  INSERT INTO registration_counts (event_id, confirmed, waitlisted)
  VALUES (NEW.event_id,
          (NEW.status = 'confirmed') - (OLD.status = 'confirmed'),
          (NEW.status = 'waitlisted') - (OLD.status = 'waitlisted'))
  ON CONFLICT (event_id) DO UPDATE SET
    confirmed = confirmed + excluded.confirmed, waitlisted = waitlisted + excluded.waitlisted;
END;
--> statement-breakpoint
CREATE TRIGGER registration_counts_del AFTER DELETE ON registrations
WHEN OLD.status IN ('confirmed', 'waitlisted') BEGIN
  UPDATE registration_counts SET
    confirmed = confirmed - (OLD.status = 'confirmed'),
    waitlisted = waitlisted - (OLD.status = 'waitlisted')
  WHERE event_id = OLD.event_id;
END;
