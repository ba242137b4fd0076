DROP INDEX `access_tokens_attendee`;--> statement-breakpoint
CREATE INDEX `access_tokens_attendee` ON `access_tokens` (`attendee_id`) WHERE "access_tokens"."attendee_id" IS NOT NULL;--> statement-breakpoint
DROP INDEX `outbox_reminder`;--> statement-breakpoint
CREATE INDEX `outbox_reminder` ON `outbox` (`reminder_id`,`status`) WHERE "outbox"."reminder_id" IS NOT NULL;