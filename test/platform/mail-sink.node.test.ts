import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SinkDelivery, startMailSink } from "../../src/cli/mail-sink.js";
import { httpMailer } from "../../src/mail/http.js";

/** The local email provider of dev:worker and the conformance suite refuses what Resend would. */
const KEY = "sink-test-key";
let dir: string;
let url: string;
let close: () => void;
const deliveries: SinkDelivery[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "convene-sink-"));
  const sink = await startMailSink(dir, KEY, { onDelivery: (d) => deliveries.push(d) });
  url = sink.url;
  close = () => sink.server.close();
});
afterAll(async () => {
  close?.();
  await rm(dir, { recursive: true, force: true });
});

const email = (over: Record<string, unknown> = {}) => ({
  from: "Convene <events@example.org>",
  to: ["olena@example.org"],
  subject: "Registered: Local Worker",
  text: "You are registered.",
  ...over,
});

function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url.replace(/\/emails$/, path), {
    method: "POST",
    headers: {
      authorization: `Bearer ${KEY}`,
      "content-type": "application/json",
      "idempotency-key": `key-${crypto.randomUUID()}`,
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("the local email provider sink", () => {
  it("takes the app's own HTTP transport, invitation attached, and keeps its Idempotency-Key", async () => {
    const mailer = httpMailer({ url, apiKey: KEY });
    await mailer.send({
      from: "Convene <events@example.org>",
      to: "ada@example.org",
      subject: "Updated: Webinar",
      text: "These are the current details.",
      html: "<p>These are the current details.</p>",
      headers: {},
      messageId: "<evt-1.seq-1@convene>",
      idempotencyKey: "event.updated:reg_1:1",
      calendar: { method: "REQUEST", content: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n" },
    });
    const got = deliveries.find((d) => d.message.messageId === "<evt-1.seq-1@convene>");
    expect(got?.idempotencyKey).toBe("event.updated:reg_1:1");
    expect(got?.message.attachments?.[0]?.contentType).toMatch(/^text\/calendar;.*method=REQUEST/);
    expect(await readdir(dir)).toContain("evt-1.seq-1@convene.eml");
  });

  it("takes a batch of distinct emails and answers an id for each", async () => {
    const res = await post("/emails/batch", [
      email(),
      email({ to: "b@example.org", text: undefined, html: "<p>hi</p>" }),
    ]);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it("answers a repeated request as before and sends nothing, and refuses its key with another body (409)", async () => {
    const key = { "idempotency-key": `repeat-${crypto.randomUUID()}` };
    const before = deliveries.length;
    const first = await post("/emails", email(), key);
    const again = await post("/emails", email(), key);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await first.json());
    expect(deliveries.length).toBe(before + 1);
    const changed = await post("/emails", email({ text: "Another body" }), key);
    expect(changed.status).toBe(409);
    expect(await changed.json()).toMatchObject({ name: "invalid_idempotent_request" });
    expect(deliveries.length).toBe(before + 1);
  });

  it("counts a retry that the provider recognises by its key as accepted, though its links were minted anew", async () => {
    // A send whose answer was lost is rendered again at the retry: the same key, a new body.
    const mailer = httpMailer({ url, apiKey: KEY });
    const message = {
      from: "Convene <events@example.org>",
      to: "olena@example.org",
      subject: "Reminder: Webinar",
      html: "<p>Join</p>",
      headers: {},
      messageId: `<retry-${crypto.randomUUID()}@convene>`,
      idempotencyKey: `event.reminder:${crypto.randomUUID()}`,
    };
    const before = deliveries.length;
    await mailer.send({ ...message, text: "Manage: /r/first-token" });
    await expect(mailer.send({ ...message, text: "Manage: /r/second-token" })).resolves.toBeUndefined();
    expect(deliveries.length).toBe(before + 1);
  });

  it.each([
    ["a wrong key", "/emails", email(), { authorization: "Bearer nope" }, 401],
    ["no Idempotency-Key", "/emails", email(), { "idempotency-key": "" }, 422],
    [
      "an Idempotency-Key over 256 characters",
      "/emails",
      email(),
      { "idempotency-key": "k".repeat(257) },
      422,
    ],
    ["a body that is not JSON", "/emails", "{from:", {}, 400],
    ["a body sent as text/plain", "/emails", email(), { "content-type": "text/plain" }, 415],
    ["no from", "/emails", email({ from: undefined }), {}, 422],
    ["no to", "/emails", email({ to: [] }), {}, 422],
    ["no subject", "/emails", email({ subject: "" }), {}, 422],
    ["neither html nor text", "/emails", email({ text: undefined }), {}, 422],
    ["a batch that is not an array", "/emails/batch", email(), {}, 422],
    ["a batch of 101", "/emails/batch", Array.from({ length: 101 }, () => email()), {}, 422],
    ["an empty batch", "/emails/batch", [], {}, 422],
    [
      "an attachment in a batch",
      "/emails/batch",
      [email({ attachments: [{ filename: "a.ics", content: "" }] })],
      {},
      422,
    ],
  ] as const)("refuses %s", async (_what, path, body, headers, status) => {
    const before = deliveries.length;
    expect((await post(path, body, headers as Record<string, string>)).status).toBe(status);
    expect(deliveries.length).toBe(before);
  });
});
