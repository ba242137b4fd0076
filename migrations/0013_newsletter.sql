-- The newsletter opt-in (issue 15), double opt-in because a stranger may know anyone's address:
-- the form or API only records 'requested' (in the attendee's own INSERT, so registration gains
-- no statement); the emailed manage page confirms it; the manage page or an unsubscribe link
-- withdraws it. newsletter_at is the instant of the last change (ms, like every instant here);
-- newsletter_source where it happened. Erasure sets all three back to NULL.
ALTER TABLE `attendees` ADD `newsletter_state` text CHECK (`newsletter_state` IN ('requested', 'confirmed', 'withdrawn'));--> statement-breakpoint
ALTER TABLE `attendees` ADD `newsletter_at` integer;--> statement-breakpoint
ALTER TABLE `attendees` ADD `newsletter_source` text CHECK (`newsletter_source` IN ('form', 'api', 'manage-page', 'unsubscribe'));
