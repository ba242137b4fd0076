import { randomUUID } from "node:crypto";
import { access, mkdir, rename, writeFile } from "node:fs/promises";
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
      const temporary = `${file}.${randomUUID()}.tmp`;
      await writeFile(temporary, info.message as Buffer);
      await rename(temporary, file);
    },
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
