/**
 * The platform limits Convene stays within, written down once. The outbox's queue path derives
 * its sizes from these (rows per claim, ids per chunk, chunks per sendBatch, claims per run:
 * outbox/queue.ts; reminders rendered together: dispatch-batch.ts).
 * `test/mail/queue-fanout.workers.test.ts` meters every statement of the cron and of the queue
 * consumer (bound parameters, size, queries per invocation) and the subrequests of each.
 *
 * The numbers are Cloudflare's paid-plan limits (the free plan allows 50 queries and 50
 * subrequests per invocation: a 10,000-registrant fan-out needs the paid plan).
 */

/**
 * D1: bound parameters per statement. Lists go in as ONE parameter (JSON text read with
 * json_each), never as one parameter per element.
 * https://developers.cloudflare.com/d1/platform/limits/
 */
export const D1_MAX_BOUND_PARAMS = 100;

/**
 * D1: queries per Worker invocation (each statement of a batch counts).
 * https://developers.cloudflare.com/d1/platform/limits/
 */
export const D1_MAX_QUERIES_PER_INVOCATION = 1_000;

/**
 * D1: the size of one SQL statement, in bytes.
 * https://developers.cloudflare.com/d1/platform/limits/
 */
export const D1_MAX_STATEMENT_BYTES = 100_000;

/**
 * Workers: subrequests (fetch, Queue sends) per invocation.
 * https://developers.cloudflare.com/workers/platform/limits/#subrequests
 */
export const WORKER_MAX_SUBREQUESTS = 1_000;

/**
 * Workers: connections (fetch, sockets) open at once per invocation; more wait.
 * https://developers.cloudflare.com/workers/platform/limits/#simultaneous-open-connections
 */
export const WORKER_MAX_OPEN_CONNECTIONS = 6;

/**
 * Queues: messages per sendBatch call, and the bytes of one batch (and of one message, 128 KB).
 * https://developers.cloudflare.com/queues/platform/limits/
 */
export const QUEUE_MAX_BATCH_MESSAGES = 100;
export const QUEUE_MAX_BATCH_BYTES = 256_000;
export const QUEUE_MAX_MESSAGE_BYTES = 128_000;

/**
 * Resend's batch endpoint (POST /emails/batch): emails per request.
 * https://resend.com/docs/api-reference/emails/send-batch-emails
 */
export const EMAIL_BATCH_MAX = 100;

/**
 * What we allow ourselves of the per-invocation budgets: half, so that the work around the
 * counted loops (plans, fan-out, housekeeping; a consumer's reads of events) always fits.
 */
export const INVOCATION_QUERY_SHARE = D1_MAX_QUERIES_PER_INVOCATION / 2;
export const INVOCATION_SUBREQUEST_SHARE = WORKER_MAX_SUBREQUESTS / 2;

/**
 * Splits `items` into consecutive groups of at most `max` items and `maxBytes` of JSON each,
 * the shape of every sendBatch. An item larger than `maxBytes` alone is a programming error.
 */
export function chunkByBudget<T>(items: T[], max: number, maxBytes: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = new TextEncoder().encode(JSON.stringify(item)).length;
    if (size > maxBytes) throw new Error(`one item is ${size} bytes, over the budget of ${maxBytes}`);
    if (current.length === max || bytes + size > maxBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length) out.push(current);
  return out;
}
