-- The personal join link of a registration, made once (issue 13): /j/{registration id}/{join_key},
-- the same in every email and invitation, instead of a new access token per message. Kept as
-- plain text, not a hash: the link is derived from it at every send. What it guards, the meeting
-- URL, is itself in this database (events.join_url), so a reader of the database learns nothing
-- more from it. Erasure clears it. Registrations made before this get theirs at their next message.
ALTER TABLE registrations ADD COLUMN join_key TEXT;
