/**
 * What the conformance scenarios (scenarios.ts) know of a deployment: its address, an admin key,
 * a way to make the due work run and the mail it sent. Nothing else: no database, no clock. So
 * the scenarios work in real time (events starting seconds from now) and poll for mail, which
 * may arrive some time after the due work was started (a queue consumer, a scheduler tick).
 */
export interface Target {
  baseUrl: string;
  apiKey: string;
  /** Starts the due work once (the cron, or a scheduler tick) and returns when it was asked. */
  runDueWork(): Promise<void>;
  /** Every message the deployment has sent so far, in the order it arrived. */
  mail(): Mail[];
}

/** One message as received, whichever the transport (SMTP or the provider's HTTP format). */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  messageId: string;
  /** iCalendar texts carried by the message (iMIP parts or invite.ics attachments). */
  calendars: string[];
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or null; the scenarios check its shape. */
  json: any;
}

/**
 * One HTTP request. A connection dropped before any answer is tried once more: wrangler dev's
 * proxy may close a kept-alive socket between requests, which says nothing about the app.
 */
export async function call(
  t: Target,
  method: string,
  path: string,
  options: { body?: unknown; key?: boolean; headers?: Record<string, string>; form?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${t.apiKey}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  } else if (options.form !== undefined) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers.origin ??= t.baseUrl;
    body = options.form;
  }
  const init: RequestInit = {
    method,
    headers,
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  };
  let res: Response;
  try {
    res = await fetch(new URL(path, t.baseUrl), init);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    res = await fetch(new URL(path, t.baseUrl), { ...init, signal: AbortSignal.timeout(15_000) });
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (pages, calendars, feeds)
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * Runs the due work until a message to `to` matching `subject` has arrived, for at most `ms`;
 * returns it, or throws naming what was received instead.
 */
export async function mailTo(t: Target, to: string, subject: RegExp, ms = 40_000): Promise<Mail> {
  const until = Date.now() + ms;
  for (;;) {
    const found = t.mail().find((m) => m.to === to && subject.test(m.subject));
    if (found) return found;
    if (Date.now() > until) {
      const got = t
        .mail()
        .filter((m) => m.to === to)
        .map((m) => m.subject);
      throw new Error(`no mail to ${to} matching ${subject} in ${ms} ms; received: ${JSON.stringify(got)}`);
    }
    await t.runDueWork();
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The path of the first link of this kind (`/r/...` manage) in a message, against the target. */
export function manageToken(mail: Mail): string {
  const token = /\/r\/([0-9a-z]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no manage link in "${mail.subject}"`);
  return token;
}

/** A fresh word of letters only (search terms, titles, addresses), unique to this run. */
export function uniqueWord(prefix: string): string {
  const letters = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) =>
    String.fromCharCode(97 + (b % 26)),
  ).join("");
  return `${prefix}${letters}`;
}

/** An instant `ms` from now, to the second, as the API takes it. */
export const fromNow = (ms: number) => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, "Z");

/** A value of an iCalendar property (unfolded), or undefined. */
export function icsValue(ics: string, name: string): string | undefined {
  const unfolded = ics.replace(/\r?\n[ \t]/g, "");
  return new RegExp(`^${name}(?:;[^:\\r\\n]*)?:(.*)$`, "m").exec(unfolded)?.[1]?.trim();
}

/** Messages delivered more than once (the same Message-ID twice): none, on a healthy deployment. */
export function duplicates(mail: Mail[]): string[] {
  const seen = new Map<string, number>();
  for (const m of mail) seen.set(m.messageId, (seen.get(m.messageId) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}
