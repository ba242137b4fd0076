DROP INDEX `events_status_ends`;--> statement-breakpoint
CREATE INDEX `events_status_ends` ON `events` (`status`,`ends_at`,`updated_at`,`revision`);