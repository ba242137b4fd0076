import type { Deps } from "../../deps.js";
import type { ClaimedRow, Courier, CourierResult } from "../outbox/index.js";
import { urlRefusal } from "./address.js";
import { disableEndpoint, findEndpoint, markSuccess } from "./service.js";
import { signature } from "./signing.js";
import { MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from "./types.js";

/**
 * Delivers webhook messages for the outbox (its claim and lease make each delivery happen once
 * per endpoint and message id). Receivers may be hostile or broken, so every send is bounded:
 * TIMEOUT_MS in all (connecting, answering and the body), no redirect followed (a 3xx is a
 * failure: a redirect could lead anywhere, a private address included), at most BODY_LIMIT
 * bytes of the answer read, then the stream is cancelled. Sends run in their own dispatch,
 * CONCURRENCY at a time, beside the mail's (jobs/due-work.ts), never in a request.
 */
export const TIMEOUT_MS = 10_000;
const BODY_LIMIT = 4096;
const CONCURRENCY = 8;

/** Reads at most BODY_LIMIT bytes of an answer, for the error text, and lets the rest go. */
async function bodySnippet(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_LIMIT) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const all = new Uint8Array(Math.min(size, BODY_LIMIT));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, all.length - at);
    all.set(part, at);
    at += part.length;
    if (at >= all.length) break;
  }
  return new TextDecoder().decode(all).slice(0, 200);
}

interface WebhookParams {
  endpointId: string;
  webhookId: string;
  type: string;
  timestamp: string;
  data: unknown;
}

async function send(deps: Deps, row: ClaimedRow): Promise<CourierResult> {
  const p = row.params as unknown as WebhookParams;
  // Re-checked at send time: an endpoint deleted or disabled since the message was queued gets nothing.
  if ((p.data as { erased?: boolean } | null)?.erased) return { skip: "registrant erased" };
  const endpoint = await findEndpoint(deps.db, p.endpointId);
  if (!endpoint) return { skip: "endpoint deleted" };
  if (!endpoint.enabled) return { skip: "endpoint disabled" };
  const refusal = await urlRefusal(deps, endpoint.url);
  if (refusal) return { error: `url ${refusal}` };
  const body = JSON.stringify({ type: p.type, timestamp: p.timestamp, data: p.data });
  // The wall clock, not deps.clock: receivers compare webhook-timestamp with their own clocks
  // (replay protection, 5 minutes' tolerance); it is when this attempt leaves, not domain time.
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    "content-type": "application/json",
    "user-agent": "Convene-Webhooks/1",
    "webhook-id": p.webhookId,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signature(endpoint.secret, p.webhookId, timestamp, body),
  };
  let res: Response;
  let snippet: string;
  try {
    res = await (deps.webhookFetch ?? fetch)(endpoint.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    snippet = await bodySnippet(res);
  } catch (err) {
    const name = err instanceof Error ? err.name : "";
    // fetch says only "fetch failed"; why (refused address, DNS, TLS, reset) is in its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return {
      error:
        name === "TimeoutError" || name === "AbortError"
          ? `no answer within ${TIMEOUT_MS} ms`
          : `${String(err)}${cause}`,
    };
  }
  const at = deps.clock.now().getTime();
  if (res.status >= 200 && res.status < 300) {
    await markSuccess(deps.db, endpoint.id, at);
    return { ok: true };
  }
  if (res.status === 410) {
    // 410 Gone: the receiver asks for no more (Standard Webhooks); no retry mends that.
    await disableEndpoint(deps.db, endpoint.id, "The endpoint answered 410 Gone.", at);
    return { error: "HTTP 410: endpoint disabled", final: true };
  }
  const redirect = res.status >= 300 && res.status < 400 ? " (redirects are not followed)" : "";
  return { error: `HTTP ${res.status}${redirect}${snippet ? `: ${snippet}` : ""}` };
}

/** After every retry of a message failed: the endpoint is disabled if nothing reached it meanwhile. */
async function onDead(deps: Deps, row: ClaimedRow, error: string): Promise<void> {
  const p = row.params as unknown as WebhookParams;
  const at = deps.clock.now().getTime();
  const since = new Date(row.createdAt).toISOString();
  await disableEndpoint(
    deps.db,
    p.endpointId,
    `Every delivery attempt since ${since} failed (message ${p.webhookId}, ${row.attempts} attempts; last: ${error}).`,
    at,
    row.createdAt,
  );
}

export const webhookCourier: Courier = {
  channel: "webhook",
  concurrency: CONCURRENCY,
  maxAttempts: MAX_ATTEMPTS,
  backoffMs: (attempts) => RETRY_SCHEDULE_MS[Math.min(Math.max(attempts, 1), RETRY_SCHEDULE_MS.length) - 1]!,
  send,
  onDead,
};
