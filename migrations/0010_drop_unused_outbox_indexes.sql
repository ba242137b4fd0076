DROP INDEX `outbox_registration`;--> statement-breakpoint
DROP INDEX `outbox_event`;