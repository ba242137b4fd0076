import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { sqlAll } from "../../src/db/batch.js";
import { buildNodeDeps } from "../../src/runtime/node-deps.js";
import { recoverFromCrash } from "../../src/runtime/node-recover.js";
import { firstKey, freePort, killAll, startNode, waitFor } from "../support/process.js";
import { type SmtpServer, startSmtpServer } from "../support/smtp.js";

// Nothing acknowledged is ever lost: the real server (`npm start`'s entry) is killed with
// SIGKILL in the middle of a registration burst, started again on the same database file, and
// every registration it answered 202 must be stored and get its confirmation, once, within a
// minute of the restart (claims of the dead process are released at start, not after the lease).

let dir: string;
let smtp: SmtpServer | undefined;
afterEach(async () => {
  killAll();
  await smtp?.close();
  smtp = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a server killed during a registration burst", () => {
  it("keeps every registration it answered 202 and confirms each once within a minute of the restart", async () => {
    dir = await mkdtemp(join(tmpdir(), "convene-crash-"));
    smtp = await startSmtpServer();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: `file:${join(dir, "convene.db")}`,
      PORT: String(port),
      PUBLIC_URL: base,
      SMTP_URL: smtp.url,
      SCHEDULER_INTERVAL_SECONDS: "1",
      REGISTRATION_RATE_LIMIT: "0",
      LOG_LEVEL: "error",
    };
    // The first key, straight into the database file, as `npm run key` would.
    const key = await firstKey(env, "crash test");

    const first = await startNode(env, base);
    const staff = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const created = await fetch(`${base}/api/v1/events`, {
      method: "POST",
      headers: staff,
      body: JSON.stringify({
        title: "Crash burst",
        format: "virtual",
        startsAt: "2027-03-01T15:00",
        timeZone: "Europe/Kyiv",
        durationMinutes: 60,
        capacity: 10_000,
      }),
    });
    const { slug } = (await created.json()) as { slug: string };
    await fetch(`${base}/api/v1/events/${slug}/publish`, { method: "POST", headers: staff });

    // Twenty clients registering one address after another until the kill, so requests are in
    // flight when it comes.
    const answered: string[] = [];
    let next = 0;
    let killed = false;
    const client = async () => {
      while (!killed) {
        const i = next++;
        const email = `burst${i}@example.org`;
        try {
          const res = await fetch(`${base}/api/v1/events/${slug}/registrations`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: `Burst ${i}`, email, consent: true }),
          });
          if (res.status === 202) answered.push(email);
        } catch {
          // Cut off by the kill: no answer, so no promise was made.
        }
      }
    };
    const clients = Array.from({ length: 20 }, client);
    // Kill once confirmations are being sent, mid-burst.
    await waitFor(() => answered.length >= 150 && smtp!.received.length > 0, 30_000);
    first.kill("SIGKILL");
    killed = true;
    await Promise.all(clients);
    const answeredBeforeKill = [...answered];
    expect(answeredBeforeKill.length).toBeGreaterThanOrEqual(150);

    // What the dead process held: rows claimed mid-send, which without the release at start
    // would wait out the 10-minute lease (and fail the minute below).
    const before = await buildNodeDeps(parseConfig({ ...env, LOG_LEVEL: "silent" }));
    const [held] = await sqlAll<{ n: number }>(
      before.db,
      sql`SELECT count(*) AS n FROM outbox WHERE status = 'sending'`,
    );
    before.close();
    console.info(`killed after ${answeredBeforeKill.length} answers, holding ${held?.n} claimed messages`);

    const restartedAt = Date.now();
    await startNode(env, base);
    const confirmations = () => {
      const ids = new Map<string, Set<string>>();
      for (const r of smtp!.received) {
        if (!r.parsed.subject?.startsWith("Registered:")) continue;
        const to = r.envelopeTo[0]!;
        ids.set(to, (ids.get(to) ?? new Set()).add(r.parsed.messageId ?? ""));
      }
      return ids;
    };
    const allConfirmed = await waitFor(() => {
      const ids = confirmations();
      return answeredBeforeKill.every((e) => ids.has(e));
    }, 60_000);
    expect(allConfirmed).toBe(true);
    expect(Date.now() - restartedAt).toBeLessThan(60_000);

    const ids = confirmations();
    // One confirmation each: a message re-sent after the crash carries the same Message-ID.
    for (const email of answeredBeforeKill) expect(ids.get(email)?.size).toBe(1);
    const stored = await fetch(`${base}/api/v1/events/${slug}/registrations?limit=100&q=burst`, {
      headers: staff,
    });
    expect(stored.status).toBe(200);
    const check = await buildNodeDeps(parseConfig({ ...env, LOG_LEVEL: "silent" }));
    const rows = await sqlAll<{ email: string }>(
      check.db,
      sql`SELECT a.email FROM registrations r JOIN attendees a ON a.id = r.attendee_id`,
    );
    check.close();
    const emails = new Set(rows.map((r) => r.email));
    for (const email of answeredBeforeKill) expect(emails.has(email)).toBe(true);
  }, 120_000);
});

describe("starting after a crash", () => {
  it("hands back the claims of a dead process of this host at once, never a live one's, and removes its temporary mail files", async () => {
    dir = await mkdtemp(join(tmpdir(), "convene-recover-"));
    const config = parseConfig({
      DATABASE_URL: `file:${join(dir, "convene.db")}`,
      MAIL_DIR: join(dir, "mail"),
      LOG_LEVEL: "silent",
    });
    const deps = await buildNodeDeps(config);
    // A process that has exited: its pid is free. And one that runs: this test's parent.
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => gone.once("exit", r));
    const [self] = deps.instance!.split("/").slice(0, -2);
    const deadClaim = `clm_a@${self}/${gone.pid}/1`;
    const liveClaim = `clm_b@${self}/${process.ppid}/1`;
    const otherHost = `clm_c@elsewhere.example/${gone.pid}/1`;
    const until = Date.now() + 600_000;
    for (const [i, claim] of [deadClaim, liveClaim, otherHost].entries()) {
      await sqlAll(
        deps.db,
        sql`INSERT INTO outbox (id, dedupe_key, channel, template, params, status, attempts, next_attempt_at,
                                created_at, claim_id, claimed_until)
            VALUES (${`msg_${i}`}, ${`k${i}`}, 'email', 'registration.confirmed', '{}', 'sending', 1, 0, 0,
                    ${claim}, ${until})`,
      );
    }
    await import("node:fs/promises").then((fs) => fs.mkdir(config.MAIL_DIR, { recursive: true }));
    const uuid = "0b3c6a8e-1f2d-4c5b-9a7e-123456789abc";
    await writeFile(join(config.MAIL_DIR, `m.eml.${gone.pid}.${uuid}.tmp`), "half a message");
    await writeFile(join(config.MAIL_DIR, `n.eml.${process.ppid}.${uuid}.tmp`), "being written");

    expect(await recoverFromCrash(deps, config)).toEqual({ released: 1, temporaries: 1 });
    const rows = await sqlAll<{ id: string; status: string }>(
      deps.db,
      sql`SELECT id, status FROM outbox ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: "msg_0", status: "pending" },
      { id: "msg_1", status: "sending" },
      { id: "msg_2", status: "sending" },
    ]);
    expect(await readdir(config.MAIL_DIR)).toEqual([`n.eml.${process.ppid}.${uuid}.tmp`]);
    deps.close();
  });
});
