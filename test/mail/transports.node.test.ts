import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { messageKinds } from "../../src/composition.js";
import { parseConfig } from "../../src/config.js";
import type { Mailer, MailMessage } from "../../src/deps.js";
import { claimDue, LEASE_MS } from "../../src/features/outbox/dispatcher.js";
import { runDueWork } from "../../src/jobs/due-work.js";
import { emlFileName, emlMailer } from "../../src/mail/eml.js";
import { httpMailer, unconfiguredMailer } from "../../src/mail/http.js";
import { mailTarget } from "../../src/runtime/node-deps.js";
import { createTestApp } from "../support/app.js";
import { makeEvent } from "../support/events.js";
import { outboxRows, registerFor } from "../support/registrations.js";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function tempDir() {
  const dir = await mkdtemp(join(tmpdir(), "convene-mail-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function appWithOneRegistration(mailer: Mailer) {
  const t = await createTestApp({ deps: { mailer } });
  const key = await t.key(["events:write"]);
  const e = await makeEvent(t, key, { capacity: 10 });
  await registerFor(t, e.slug, { email: "reader@example.org", name: "Reader" });
  return t;
}

const sample: MailMessage = {
  from: "Convene <events@example.org>",
  to: "someone@example.org",
  subject: "Hello",
  text: "Plain",
  html: "<p>Rich</p>",
  headers: { "List-Unsubscribe": "<https://events.example.org/r/abc/unsubscribe>" },
  messageId: "<0123abcd@events.example.org>",
  idempotencyKey: "reg:reg_1:op_1",
  attachments: [
    { filename: "invite.ics", contentType: "text/calendar", content: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n" },
  ],
};

describe("the .eml file transport (the default on Node)", () => {
  it("writes one readable RFC 5322 file per message into MAIL_DIR", async () => {
    const dir = await tempDir();
    const t = await appWithOneRegistration(emlMailer(join(dir, "mail")));
    await runDueWork(t.deps);
    const files = await readdir(join(dir, "mail"));
    expect(files).toHaveLength(1);
    const parsed = await simpleParser(await readFile(join(dir, "mail", files[0]!)));
    expect(files[0]).toBe(emlFileName(parsed.messageId!));
    expect(parsed.to).toMatchObject({ value: [{ address: "reader@example.org" }] });
    expect(parsed.subject).toMatch(/^Registered: /);
    expect(parsed.text).toContain("Hello Reader,");
    expect(parsed.html).toContain("Manage or cancel your registration");
    expect(parsed.headerLines.find((h) => h.key === "list-unsubscribe-post")?.line).toBe(
      "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
    );
    // The invitation: a text/calendar alternative with its METHOD, and the same file attached.
    const [alternative, file] = parsed.attachments;
    expect(alternative?.contentType).toBe("text/calendar");
    expect((alternative!.headers.get("content-type") as { params: Record<string, string> }).params).toEqual({
      charset: "utf-8",
      method: "REQUEST",
    });
    expect(file?.filename).toBe("invite.ics");
    expect(file?.content.toString()).toBe(alternative?.content.toString());
    expect(file?.content.toString()).toContain("\r\nMETHOD:REQUEST\r\n");
  });

  it("keeps one file when the same message is written twice, also after a crash and a re-send", async () => {
    const dir = await tempDir();
    const mailer = emlMailer(dir);
    await mailer.send(sample);
    await Promise.all([mailer.send(sample), mailer.send(sample)]);
    expect(await readdir(dir)).toEqual([emlFileName(sample.messageId)]);
    const parsed = await simpleParser(await readFile(join(dir, emlFileName(sample.messageId))));
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["invite.ics", "text/calendar"],
    ]);

    const other = await tempDir();
    const t = await appWithOneRegistration(emlMailer(other));
    for (const row of await claimDue(t.deps, { now: t.clock.now(), limit: 5 })) {
      const rendered = await messageKinds.render(t.deps, row);
      if ("message" in rendered) await t.deps.mailer.send(rendered.message); // then "crash"
    }
    t.clock.advance(LEASE_MS + 1000);
    expect((await runDueWork(t.deps)).outbox.sent).toBe(1);
    expect(await readdir(other)).toHaveLength(1);
  });
});

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

async function provider(answer: { status: number; body: string }) {
  const requests: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/emails`, requests };
}

describe("the HTTP provider transport (Resend's request format)", () => {
  it("posts the message as JSON with the bearer key and the dedupe key as Idempotency-Key", async () => {
    const p = await provider({ status: 200, body: '{"id":"49a3999c"}' });
    const t = await appWithOneRegistration(httpMailer({ url: p.url, apiKey: "re_test_key" }));
    await runDueWork(t.deps);
    const [row] = await outboxRows(t);
    expect(row?.status).toBe("sent");
    expect(p.requests).toHaveLength(1);
    const [req] = p.requests;
    expect(req).toMatchObject({ method: "POST", url: "/emails" });
    expect(req!.headers.authorization).toBe("Bearer re_test_key");
    expect(req!.headers["idempotency-key"]).toBe(row!.dedupeKey);
    expect(req!.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(req!.body);
    expect(Object.keys(body).sort()).toEqual([
      "attachments",
      "from",
      "headers",
      "html",
      "subject",
      "text",
      "to",
    ]);
    // The confirmation's invitation: one attachment whose content type carries the METHOD.
    expect(body.attachments).toHaveLength(1);
    const [invite] = body.attachments;
    expect(invite).toMatchObject({
      filename: "invite.ics",
      content_type: "text/calendar; charset=utf-8; method=REQUEST",
    });
    const ics = new TextDecoder().decode(Uint8Array.from(atob(invite.content), (c) => c.charCodeAt(0)));
    expect(ics).toMatch(/^BEGIN:VCALENDAR\r\n/);
    expect(ics).toContain("\r\nMETHOD:REQUEST\r\n");
    expect(ics.replace(/\r\n /g, "")).toMatch(/\r\nATTENDEE;[^:]*:MAILTO:reader@example\.org\r\n/);
    expect(body).toMatchObject({ from: t.deps.config.MAIL_FROM, to: ["reader@example.org"] });
    expect(body.subject).toMatch(/^Registered: /);
    expect(body.html).toContain("<!doctype html>");
    expect(body.text).toContain("Hello Reader,");
    expect(body.headers).toEqual({
      "List-Unsubscribe": expect.stringMatching(
        /^<https:\/\/events\.example\.org\/r\/[0-9a-z]+\/unsubscribe>$/,
      ),
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      "Message-ID": expect.stringMatching(/^<[0-9a-f]{32}@events\.example\.org>$/),
    });
  });

  it("sends attachments base64-encoded with their content type, the calendar part last", async () => {
    const p = await provider({ status: 200, body: "{}" });
    const ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n";
    await httpMailer({ url: p.url, apiKey: "k" }).send({
      ...sample,
      calendar: { method: "CANCEL", content: ics },
    });
    const body = JSON.parse(p.requests[0]!.body);
    expect(body.attachments).toEqual([
      {
        filename: "invite.ics",
        content_type: "text/calendar",
        content: btoa("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
      },
      {
        filename: "invite.ics",
        content_type: "text/calendar; charset=utf-8; method=CANCEL",
        content: btoa(ics),
      },
    ]);
    expect(p.requests[0]!.headers["idempotency-key"]).toBe("reg:reg_1:op_1");
  });

  it("treats a non-2xx answer as a failure and keeps the provider's text as the error", async () => {
    const p = await provider({
      status: 422,
      body: '{"name":"validation_error","message":"Invalid `to` field."}',
    });
    const mailer = httpMailer({ url: p.url, apiKey: "k" });
    await expect(mailer.send(sample)).rejects.toThrow(/422.*Invalid `to` field/);
    const t = await appWithOneRegistration(mailer);
    await runDueWork(t.deps);
    const [row] = await outboxRows(t);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toBe(
      'email provider answered 422: {"name":"validation_error","message":"Invalid `to` field."}',
    );
  });
});

describe("choosing a mailer", () => {
  it("fails every message when the Worker has no provider key, so it ends dead instead of vanishing", async () => {
    const t = await appWithOneRegistration(unconfiguredMailer);
    t.deps.config.OUTBOX_MAX_ATTEMPTS = 1;
    await runDueWork(t.deps);
    const [row] = await outboxRows(t);
    expect(row?.status).toBe("dead");
    expect(row?.lastError).toContain("no email provider configured");
  });

  it("uses SMTP when SMTP_URL is set, else the HTTP provider with a key, else .eml files", () => {
    expect(mailTarget(parseConfig({ SMTP_URL: "smtp://user:pw@mail.example.org:587" }))).toBe(
      "smtp://mail.example.org:587",
    );
    expect(mailTarget(parseConfig({ EMAIL_API_KEY: "re_x" }))).toBe("https://api.resend.com/emails");
    expect(mailTarget(parseConfig({}))).toBe("./data/mail/*.eml");
  });
});
