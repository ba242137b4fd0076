import { messageKinds } from "../composition.js";
import type { DeliveryQueue, Deps } from "../deps.js";
import { pruneRateLimits } from "../features/limits/index.js";
import {
  type DispatchReport,
  dispatchOutbox,
  QUEUE_CLAIM_ROWS,
  QUEUE_CLAIMS_PER_RUN,
  type QueueReport,
  queueDue,
} from "../features/outbox/index.js";
import { type FanoutReport, fanOutDueReminders, repairMissingPlans } from "../features/reminders/index.js";
import { expandWebhookMessages, pruneWebhookDeliveries, webhookCourier } from "../features/webhooks/index.js";

/**
 * Outbox rows claimed at a time (was 50). Sending a fan-out of thousands of reminders, small
 * claims cost twice: every claim re-read the whole due set (claimDue now reads the due index in
 * order, O(claim)), and the sends in flight drained at the end of every claim, one of them often
 * waiting 100 ms or more for a new SMTP session. The run's dispatch now claims the next batch as
 * the last row of the current one starts (dispatchOutbox `more`), so the size no longer matters
 * much for speed (200 and 500 measured the same); it stays moderate so that two dispatchers
 * share a backlog and a crash strands few rows until their lease ends.
 */
const BATCH = 200;
/**
 * A run stops starting new outbox batches after this much wall time, so a run ends even if
 * messages keep arriving, and a cron run stays well inside the platform's limits. Measured with
 * the process's monotonic timer, not the injected clock: it bounds the work, it is not domain time.
 */
const RUN_BUDGET_MS = 50_000;
/**
 * Webhooks: rows claimed at a time, and how long a run keeps claiming more. A claim waits for its
 * slowest receivers (TIMEOUT_MS, 10 s, at 8 in flight), so a claim of 24 takes at most ~30 s even
 * if every receiver hangs, and a run ends within ~50 s like the mail's: the next run, and the mail
 * it sends, is never held up for long by broken receivers. Healthy receivers (~100 ms) get
 * ~1,500 messages a run.
 */
const WEBHOOK_BATCH = 24;
const WEBHOOK_BUDGET_MS = 20_000;

export interface DueWorkReport {
  reminders: FanoutReport;
  outbox: DispatchReport;
  webhooks: DispatchReport;
  /** Webhook messages fanned out into outbox rows per endpoint (webhooks/expand.ts) before the dispatch. */
  webhookMessages: number;
  /** Workers: what was claimed and handed to the delivery queue (then `outbox` counts nothing sent). */
  queued?: QueueReport;
  batches: number;
  plansRepaired: number;
  rateLimitsDeleted: number;
  /** Closed webhook deliveries past WEBHOOK_RETENTION_DAYS, deleted (webhooks/retention.ts). */
  webhookDeliveriesDeleted: number;
}

/**
 * The scheduled work shared by Node (an interval in the server process) and the Worker (a Cron
 * Trigger), in this order:
 *
 * 1. plan reminders for published upcoming events that have none (events from before reminders
 *    existed; every write plans its own event in its own batch);
 * 2. claim due reminders and fan each out into outbox messages (fanout.ts);
 * 3. fan the webhook messages committed since the last run out to their endpoints' outbox rows;
 * 4. send what the outbox has due, batch after batch until nothing is left or the budget is used;
 *    webhooks in a dispatch of their own beside the mail's (the webhook courier), so a receiver
 *    that hangs holds a webhook slot for its timeout and never a mail one;
 *    where the runtime gives a delivery queue (Workers), mail is claimed and queued in chunks
 *    that the queue's consumer sends (outbox/queue.ts), so a cron invocation stays within its
 *    query and subrequest budgets (src/lib/budgets.ts) however large the fan-out;
 * 5. drop rate-limit counters older than an hour, and webhook deliveries closed before
 *    WEBHOOK_RETENTION_DAYS.
 *
 * Safe to run in several places at once: reminder and outbox claims are atomic, fan-out is
 * deduplicated by key, and the delete is idempotent.
 */
export async function runDueWork(deps: Deps, now: Date = deps.clock.now()): Promise<DueWorkReport> {
  const started = performance.now();
  const plansRepaired = await repairMissingPlans(deps, now);
  const { deliveryQueue } = deps;
  // The run's share of queue claims (outbox/queue.ts), for the claims during and after fan-out.
  const claims = { left: QUEUE_CLAIMS_PER_RUN };
  const early = deliveryQueue ? queueDuringFanOut(deps, deliveryQueue, now, claims) : undefined;
  const reminders = await fanOutDueReminders(deps, now, { afterPage: early?.afterPage });
  // One dispatch that claims BATCH after BATCH while the previous one came back full and the
  // budget lasts; it claims the next as the last row of the current one starts, so the sends in
  // flight do not drain at every claim (dispatcher.ts).
  const withinBudget = () => performance.now() - started < RUN_BUDGET_MS;
  const none: DispatchReport = { claimed: 0, sent: 0, skipped: 0, failed: 0, dead: 0, released: 0 };
  let outbox = none;
  let webhooks = none;
  let batches = 0;
  let queued: QueueReport | undefined;
  let webhookMessages = 0;
  if (withinBudget()) {
    webhookMessages = await expandWebhookMessages(deps, now);
    batches = 1;
    [outbox, webhooks] = await Promise.all([
      deliveryQueue
        ? queueDue(deps, deliveryQueue, { now, more: withinBudget, claims }).then((late) => {
            const q = sumReports([...(early?.reports ?? []), late]);
            queued = q;
            batches = q.sendBatches;
            return { ...none, claimed: q.claimed };
          })
        : dispatchOutbox(deps, {
            kinds: messageKinds,
            now,
            limit: BATCH,
            more: () => {
              if (!withinBudget()) return false;
              batches++;
              return true;
            },
          }),
      // On the Worker webhooks go through the queue too, so a hanging receiver holds a
      // consumer's request for its timeout, never the cron's invocation.
      deliveryQueue
        ? queueDue(deps, deliveryQueue, { now, more: withinBudget, channel: "webhook" }).then((q) => ({
            ...none,
            claimed: q.claimed,
          }))
        : dispatchOutbox(deps, {
            courier: webhookCourier,
            now,
            limit: WEBHOOK_BATCH,
            more: () => performance.now() - started < WEBHOOK_BUDGET_MS,
          }),
    ]);
  }
  const rateLimitsDeleted = await pruneRateLimits(deps, now);
  const webhookDeliveriesDeleted = await pruneWebhookDeliveries(deps, now);
  return {
    reminders,
    outbox,
    webhooks,
    webhookMessages,
    ...(queued ? { queued } : {}),
    batches,
    plansRepaired,
    rateLimitsDeleted,
    webhookDeliveriesDeleted,
  };
}

/**
 * The Worker's fan-out hook: every QUEUE_CLAIM_ROWS rows a fan-out queues, claim what is due and
 * hand it to the delivery queue, then yield, so consumers start sending while a large fan-out
 * goes on instead of after it. That holds where consumers run beside the cron (Cloudflare);
 * `wrangler dev`'s local queue delivers only once the cron's invocation has ended, so the bench
 * (reminders-queue) does not see it. The claims are the same as after the fan-out, from the
 * run's share.
 */
function queueDuringFanOut(deps: Deps, queue: DeliveryQueue, now: Date, claims: { left: number }) {
  const reports: QueueReport[] = [];
  let unqueued = 0;
  return {
    reports,
    afterPage: async (walked: number) => {
      unqueued += walked;
      if (unqueued < QUEUE_CLAIM_ROWS) return;
      unqueued = 0;
      reports.push(await queueDue(deps, queue, { now, claims }));
      // A turn of the event loop: the runtime hands the queued chunks to a consumer now.
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

const sumReports = (reports: QueueReport[]): QueueReport =>
  reports.reduce(
    (a, r) => ({
      claimed: a.claimed + r.claimed,
      chunks: a.chunks + r.chunks,
      sendBatches: a.sendBatches + r.sendBatches,
      statements: a.statements + r.statements,
    }),
    { claimed: 0, chunks: 0, sendBatches: 0, statements: 0 },
  );

/** One log line for a run that did anything (the Node scheduler's and the Worker cron's). */
export function logDueWork(deps: Pick<Deps, "log">, r: DueWorkReport): void {
  const did =
    r.outbox.claimed ||
    r.webhooks.claimed ||
    r.webhookMessages ||
    r.reminders.claimed ||
    r.plansRepaired ||
    r.rateLimitsDeleted ||
    r.webhookDeliveriesDeleted;
  if (did) deps.log("info", "due work", { ...r });
}
