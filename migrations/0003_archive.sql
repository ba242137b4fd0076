CREATE TABLE `recording_chapters` (
	`recording_id` text NOT NULL,
	`position` integer NOT NULL,
	`start_seconds` integer NOT NULL,
	`title` text NOT NULL,
	`brief_id` text,
	PRIMARY KEY(`recording_id`, `position`),
	FOREIGN KEY (`recording_id`) REFERENCES `recordings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`brief_id`) REFERENCES `briefs`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `recording_chapters_brief` ON `recording_chapters` (`brief_id`);--> statement-breakpoint
CREATE TABLE `recordings` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`kind` text NOT NULL,
	`provider` text NOT NULL,
	`url` text NOT NULL,
	`title` text,
	`duration_seconds` integer,
	`published` integer DEFAULT false NOT NULL,
	`published_at` integer,
	`demo` integer DEFAULT false NOT NULL,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `recordings_event` ON `recordings` (`event_id`);--> statement-breakpoint
CREATE INDEX `recordings_published` ON `recordings` (`published`,`published_at`);