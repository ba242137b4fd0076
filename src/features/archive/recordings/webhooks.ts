import { sql } from "drizzle-orm";
import { eventHasStatus, eventPayload } from "../../events/index.js";
import { queueWebhooks } from "../../webhooks/index.js";

const iso = (column: string) => sql.raw(`strftime('%Y-%m-%dT%H:%M:%fZ', ${column} / 1000.0, 'unixepoch')`);

/**
 * recording.published for the batch that publishes recording `id` (created published, or
 * switched to published), once per publication instant; only for a published event (a
 * draft's recording waits, unannounced, like the archive does).
 */
export function recordingWebhooks(id: string, at: Date, publicUrl: string) {
  return queueWebhooks(
    "recording.published",
    sql`SELECT 'msg_' || r.id || '_published_' || r.published_at AS webhook_id,
               json_object('event', json(${eventPayload(sql.raw("r.event_id"), publicUrl)}),
                 'recording', json_object('id', r.id, 'kind', r.kind, 'provider', r.provider, 'url', r.url,
                   'title', r.title, 'durationSeconds', r.duration_seconds, 'publishedAt', ${iso("r.published_at")})) AS data,
               r.event_id, NULL AS registration_id
        FROM recordings r
        WHERE r.id = ${id} AND r.published = 1 AND ${eventHasStatus(sql.raw("r.event_id"), "published")}`,
    at,
  );
}
