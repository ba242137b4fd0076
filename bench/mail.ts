import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { createTransport } from "nodemailer";
import { parseConfig } from "../src/config.js";
import { sqlAll } from "../src/db/batch.js";
import type { Deps, Mailer, MailMessage } from "../src/deps.js";
import { createApiKey } from "../src/features/auth/service.js";
import { calendarLinks } from "../src/features/calendar/links.js";
import { SEND_CONCURRENCY } from "../src/features/outbox/dispatcher.js";
import { composeReminder } from "../src/features/reminders/content.js";
import { runDueWork } from "../src/jobs/due-work.js";
import { SettableClock } from "../src/lib/clock.js";
import { cryptoTokens } from "../src/lib/tokens.js";
import { toNodemailer } from "../src/mail/compose.js";
import { smtpMailer, smtpTransportOptions } from "../src/mail/smtp.js";
import { openNodeDb } from "../src/runtime/node-deps.js";
import {
  countingLogger,
  eventWithRegistrants,
  MAIL_FROM,
  PUBLIC_URL,
  TIME_ZONE,
  TITLE,
} from "./mail-setup.js";
import { meter, p99, sink } from "./mail-sink.js";
import type { BenchContext, Measurement } from "./types.js";

/**
 * Issue 5: reminders for an event with N confirmed registrants, fanned out and delivered to an
 * SMTP server on 127.0.0.1, in messages per second, against nodemailer sending the same number
 * of comparable messages straight to the same server in the same run.
 *
 * The server is bench/smtp-sink.ts in a child process (one per bench run, shared by the baseline
 * and the measured runs): it drains and counts, so neither side is limited by a parsing server,
 * and it does not share this process's event loop. Everything is counted AT THE SERVER.
 *
 * Memory (meter below): peak heapUsed and RSS growth during the measured part of a run, and the
 * heap still grown after a full GC at its end. "Constant memory" shows as growth that does not
 * follow N: compare the reminders-2000 row with reminders (10,000).
 */

/** Unmeasured messages first on both sides, so neither is timed while the JIT is still cold. */
const WARMUP_MESSAGES = 1000;

/**
 * A reminder as our renderer writes it (same template, title, times, link shapes and headers),
 * with placeholders for the per-message tokens; each baseline message gets fresh values.
 */
export function reminderShape(): MailMessage {
  const startsAt = new Date("2030-04-17T16:00:00Z");
  const endsAt = new Date("2030-04-17T17:00:00Z");
  const slug = "ukraine-s-critical-choice-pursue-peace-or-fight-on";
  const links = calendarLinks(
    {
      slug,
      title: TITLE,
      summary: null,
      startsAt,
      endsAt,
      timeZone: TIME_ZONE,
      format: "virtual",
      venue: null,
    },
    { PUBLIC_URL },
  );
  const manageUrl = `${PUBLIC_URL}/r/@MANAGE@`;
  const content = composeReminder({
    orgName: "Defense Priorities",
    name: "@NAME@",
    offsetIso: "PT1H",
    dueAt: startsAt.getTime() - 3_600_000,
    now: startsAt.getTime() - 1_800_000,
    event: {
      title: TITLE,
      url: `${PUBLIC_URL}/events/${slug}`,
      format: "virtual",
      venue: null,
      startsAt,
      endsAt,
      timeZone: TIME_ZONE,
    },
    joinUrl: `${PUBLIC_URL}/j/@JOIN@`,
    icsUrl: links.ics,
    googleUrl: links.google,
    manageUrl,
    unsubscribeUrl: `${manageUrl}/unsubscribe`,
  });
  return {
    from: MAIL_FROM,
    to: "@TO@",
    ...content,
    headers: {
      "List-Unsubscribe": `<${manageUrl}/unsubscribe>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
    messageId: "@ID@",
  };
}

/**
 * THE BASELINE: `n` messages sent straight through nodemailer to the sink, nothing else.
 *
 * - Transport: createTransport(smtpTransportOptions(url)), the very options smtpMailer uses
 *   (so the same pooling, connection count and timeouts), one transport for the whole run.
 * - Concurrency: SEND_CONCURRENCY sendMail calls in flight, as the dispatcher has.
 * - Messages: the reminder shape above (text + HTML alternative, List-Unsubscribe headers,
 *   one recipient, own Message-ID) with fresh 39-character tokens, through toNodemailer (a field
 *   copy). Built in the loop: a few string replacements, no database, no rendering.
 * - Timed from the first send to the server having accepted the n-th message.
 */
export async function nodemailerBaseline(ctx: BenchContext, n: number): Promise<Measurement> {
  const server = await sink(ctx);
  const transport = createTransport(smtpTransportOptions(server.url));
  const shape = reminderShape();
  const fill = (s: string, i: number, manage: string, join: string) =>
    s
      .replaceAll("@MANAGE@", manage)
      .replaceAll("@JOIN@", join)
      .replaceAll("@NAME@", `Attendee ${i}`)
      .replaceAll("@TO@", `baseline-${i}@example.org`);
  const message = (i: number): MailMessage => {
    const manage = cryptoTokens.secret(24);
    const join = cryptoTokens.secret(24);
    return {
      from: shape.from,
      to: fill(shape.to, i, manage, join),
      subject: shape.subject,
      text: fill(shape.text, i, manage, join),
      html: fill(shape.html, i, manage, join),
      headers: {
        ...shape.headers,
        "List-Unsubscribe": fill(shape.headers["List-Unsubscribe"]!, i, manage, join),
      },
      messageId: `<${cryptoTokens.secret(20)}@events.example.org>`,
    };
  };
  const latencies = new Float64Array(n);
  let failures = 0;
  let firstError = "";
  const drive = async (count: number, timed: boolean) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: SEND_CONCURRENCY }, async () => {
        while (next < count) {
          const i = next++;
          const started = performance.now();
          try {
            await transport.sendMail(toNodemailer(message(i)));
          } catch (e) {
            failures++;
            firstError ||= e instanceof Error ? e.message : String(e);
          }
          if (timed) latencies[i] = performance.now() - started;
        }
      }),
    );
  };
  try {
    if (ctx.settings.warmup > 0) await drive(WARMUP_MESSAGES, false);
    failures = 0;
    const run = await meter(server);
    await drive(n, true);
    const got = await server.reached(n, 30_000);
    const seconds = (performance.now() - run.started) / 1000;
    const watched = run.stop(got);
    const errors = failures + (got.count === n ? 0 : 1);
    return {
      value: got.count / seconds,
      p99Ms: p99(latencies, n),
      requests: got.count,
      errors,
      errorDetail: [
        failures ? `${failures} sends failed (first: ${firstError})` : "",
        got.count !== n ? `the server counted ${got.count} messages, expected ${n}` : "",
      ]
        .filter(Boolean)
        .join(", "),
      details: { messages: n, bytesPerMessage: Math.round(got.bytes / Math.max(1, got.count)), ...watched },
    };
  } finally {
    transport.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Ours: runDueWork, fan-out to delivery

/**
 * OURS: `n` reminders through the product path. runDueWork (as the scheduler calls it) claims
 * the due reminder, fans it out into n outbox rows, and dispatches them with smtpMailer: each
 * rendered at send time with freshly minted manage and join tokens (hashes stored), sent, and
 * marked sent. Timed from the first runDueWork call until runs claim nothing more AND the server
 * has accepted n messages; then checked in the database: n outbox rows sent (none skipped) and
 * 2n access tokens for the event's registrations.
 */
export async function reminderDelivery(ctx: BenchContext, n: number): Promise<Measurement> {
  const server = await sink(ctx);
  const dir = await mkdtemp(join(tmpdir(), "convene-bench-reminders-"));
  const config = parseConfig({
    DATABASE_URL: `file:${join(dir, "bench.db")}`,
    PUBLIC_URL,
    MAIL_FROM,
    SMTP_URL: server.url,
    LOG_LEVEL: "silent",
  });
  const { db, close } = await openNodeDb(config);
  const clock = new SettableClock("2030-01-02T00:00:00Z");
  const { log, seen } = countingLogger();
  const mailer = smtpMailer(server.url);
  const latencies = new Float64Array(n + WARMUP_MESSAGES);
  let sends = 0;
  // Times each send (for the p99 column); a counter and a subtraction per message.
  const timed: Mailer = {
    async send(message) {
      const started = performance.now();
      await mailer.send(message);
      if (sends < latencies.length) latencies[sends++] = performance.now() - started;
    },
  };
  const deps: Deps = { db, clock, mailer: timed, config, tokens: cryptoTokens, log };
  try {
    const { key } = await createApiKey(deps, { name: "bench", scopes: ["admin"] });
    const warm =
      ctx.settings.warmup > 0
        ? await eventWithRegistrants(deps, key, "warm", "2030-04-16T12:00", WARMUP_MESSAGES)
        : null;
    const measured = await eventWithRegistrants(deps, key, "bench", "2030-04-17T12:00", n);
    const drain = async () => {
      for (;;) {
        const r = await runDueWork(deps);
        if (r.reminders.claimed === 0 && r.outbox.claimed === 0) return;
      }
    };
    if (warm) {
      clock.set(warm.sendAt);
      await drain();
      const got = await server.reached(WARMUP_MESSAGES, 30_000);
      if (!got.reached) throw new Error(`warm-up: the server counted ${got.count} of ${WARMUP_MESSAGES}`);
    }
    sends = 0;
    seen.count = 0;
    clock.set(measured.sendAt);
    const run = await meter(server);
    await drain();
    const got = await server.reached(n, 30_000);
    const seconds = (performance.now() - run.started) / 1000;
    const watched = run.stop(got);

    const [check] = await sqlAll<{ sent: number; skipped: number; other: number; tokens: number }>(
      db,
      sql`SELECT
            (SELECT count(*) FROM outbox WHERE reminder_id = ${measured.reminderId} AND status = 'sent' AND last_error IS NULL) AS sent,
            (SELECT count(*) FROM outbox WHERE reminder_id = ${measured.reminderId} AND status = 'sent' AND last_error IS NOT NULL) AS skipped,
            (SELECT count(*) FROM outbox WHERE reminder_id = ${measured.reminderId} AND status <> 'sent') AS other,
            (SELECT count(*) FROM access_tokens t JOIN registrations r ON r.id = t.registration_id
              WHERE r.event_id = ${measured.eventId}) AS tokens`,
    );
    const problems = [
      got.count !== n ? `the server counted ${got.count} messages, expected ${n}` : "",
      Number(check?.sent) !== n ? `${check?.sent} outbox rows sent, expected ${n}` : "",
      Number(check?.skipped) ? `${check?.skipped} skipped` : "",
      Number(check?.other) ? `${check?.other} not sent` : "",
      Number(check?.tokens) !== 2 * n ? `${check?.tokens} access tokens, expected ${2 * n}` : "",
      seen.count ? `${seen.count} warnings/errors logged (first: ${seen.first})` : "",
    ].filter(Boolean);
    return {
      value: got.count / seconds,
      p99Ms: p99(latencies, Math.min(sends, latencies.length)),
      requests: got.count,
      errors: problems.length,
      errorDetail: problems.join(", "),
      details: { messages: n, bytesPerMessage: Math.round(got.bytes / Math.max(1, got.count)), ...watched },
    };
  } finally {
    mailer.close();
    close();
    await rm(dir, { recursive: true, force: true });
  }
}
