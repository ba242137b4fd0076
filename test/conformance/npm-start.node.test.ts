import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { firstKey, freePort, killAll, startNode } from "../support/process.js";
import { type SmtpServer, startSmtpServer } from "../support/smtp.js";
import { SCENARIOS } from "./scenarios.js";
import { duplicates, type Mail, type Target } from "./target.js";

/**
 * The conformance scenarios against the real Node entry (`npm start`: node --import tsx
 * src/node.ts) on a fresh file database, its mail over SMTP to a server in this process. The
 * process's own scheduler does the due work, every second (SCHEDULER_INTERVAL_SECONDS=1).
 */
let dir: string;
let smtp: SmtpServer;
let target: Target;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "convene-conformance-"));
  smtp = await startSmtpServer();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: `file:${join(dir, "convene.db")}`,
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    SMTP_URL: smtp.url,
    SCHEDULER_INTERVAL_SECONDS: "1",
    LOG_LEVEL: "warn",
  };
  const apiKey = await firstKey(env, "conformance");
  await startNode(env, baseUrl);
  target = {
    baseUrl,
    apiKey,
    // The process runs the due work on its own every second: asking is waiting for a tick.
    runDueWork: () => new Promise((r) => setTimeout(r, 1000)),
    mail: () =>
      smtp.received.map(
        ({ parsed }): Mail => ({
          to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.value[0]!.address! : "",
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          messageId: parsed.messageId ?? "",
          // The invitation travels twice (the iMIP alternative and invite.ics): the same text.
          calendars: [
            ...new Set(
              parsed.attachments
                .filter((a) => a.contentType === "text/calendar")
                .map((a) => a.content.toString("utf8")),
            ),
          ],
        }),
      ),
  };
}, 60_000);

afterAll(async () => {
  killAll();
  await smtp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.concurrent("conformance: npm start (Node, file database, SMTP)", () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(name, () => scenario(target), 60_000);
  }
});

describe("conformance: npm start, after every scenario", () => {
  it("sent no message twice", () => {
    expect(target.mail().length).toBeGreaterThan(0);
    expect(duplicates(target.mail())).toEqual([]);
  });
});
