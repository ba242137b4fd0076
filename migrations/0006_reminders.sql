CREATE TABLE `reminders` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`kind` text NOT NULL,
	`offset_iso` text NOT NULL,
	`due_at` integer NOT NULL,
	`status` text DEFAULT 'scheduled' NOT NULL,
	`skip_reason` text,
	`claim_id` text,
	`claimed_until` integer,
	`cursor` text,
	`done_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminders_event_offset` ON `reminders` (`event_id`,`offset_iso`);--> statement-breakpoint
CREATE INDEX `reminders_due` ON `reminders` (`status`,`due_at`);--> statement-breakpoint
ALTER TABLE `events` ADD `reminders` text DEFAULT '["P1D","PT1H"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `outbox` ADD `reminder_id` text;--> statement-breakpoint
CREATE INDEX `outbox_reminder` ON `outbox` (`reminder_id`,`status`);