-- Closed webhook deliveries by age, for WEBHOOK_RETENTION_DAYS (webhooks/retention.ts). Partial:
-- only sent or dead webhook rows are in it, so mail and registrations never write to it.
CREATE INDEX `outbox_webhook_closed` ON `outbox` (`created_at`) WHERE "outbox"."channel" = 'webhook' AND "outbox"."status" IN ('sent', 'dead');
