import { randomUUID } from "node:crypto";
import { access, mkdir, readdir, rename, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import type { Mailer } from "../deps.js";
import { toNodemailer } from "./compose.js";

/** The file a message is written to: its Message-ID, made safe for any file system. */
export function emlFileName(messageId: string): string {
  return `${messageId.replace(/^<|>$/g, "").replace(/[^\w.@-]/g, "_")}.eml`;
}

/**
 * The default mailer on Node: every message becomes one RFC 5322 file in `dir` (MAIL_DIR) that
 * any mail client opens. The file is named by Message-ID, so writing the same message twice
 * (a re-send after a crash) keeps one file; it is written to a temporary name and renamed, so
 * a reader never sees half a message.
 */
export function emlMailer(dir: string): Mailer {
  const composer = createTransport({ streamTransport: true, buffer: true, newline: "windows" });
  let ready: Promise<unknown> | undefined;
  return {
    async send(message) {
      ready ??= mkdir(dir, { recursive: true });
      await ready;
      const file = join(dir, emlFileName(message.messageId));
      if (await exists(file)) return;
      const info = await composer.sendMail(toNodemailer(message));
      // The writer's pid in the name: the next start removes what a killed writer left.
      const temporary = `${file}.${process.pid}.${randomUUID()}.tmp`;
      await writeFile(temporary, info.message as Buffer);
      await rename(temporary, file);
    },
  };
}

/**
 * Removes the temporary files of writers that died (a crash between write and rename): those
 * whose pid is not running, or is this process's own (a previous life with the same pid, as
 * in a container). Files in the older `<name>.<uuid>.tmp` form go once a minute old. Returns
 * how many were removed. The message itself is safe: its outbox row is sent again.
 */
export async function removeDeadTemporaries(dir: string, now = Date.now()): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0; // no mail directory yet
  }
  let removed = 0;
  for (const name of names) {
    const m = /\.eml\.(?:(\d+)\.)?[0-9a-f-]{36}\.tmp$/.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    const dead = m[1] ? !running(Number(m[1])) : (await stat(path)).mtimeMs < now - 60_000;
    if (!dead) continue;
    await unlink(path).catch(() => undefined);
    removed++;
  }
  return removed;
}

/** Whether another process with this pid is running on this host (this process counts as not). */
export function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
