-- Webhook messages waiting to be fanned out to their endpoints (issue 15): one row per message,
-- written with its change, expanded into outbox rows per endpoint and deleted by the due work.
CREATE TABLE `webhook_messages` (
	`seq` integer PRIMARY KEY NOT NULL,
	`webhook_id` text NOT NULL,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`event_id` text,
	`registration_id` text,
	`created_at` integer NOT NULL
);
