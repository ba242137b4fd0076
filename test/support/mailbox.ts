import type { Mailer, MailMessage } from "../../src/deps.js";

/**
 * An in-memory mailer for tests that run on both engines (no node: imports). `failWith` makes
 * every send throw until it is cleared, as an unreachable provider would.
 */
export function mailbox() {
  const messages: MailMessage[] = [];
  const box = {
    messages,
    failWith: null as string | null,
    mailer: {
      async send(message: MailMessage) {
        if (box.failWith) throw new Error(box.failWith);
        messages.push(message);
      },
    } satisfies Mailer,
    /** Messages per Message-ID, to see duplicates at a glance. */
    countsById(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const m of messages) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      return counts;
    },
  };
  return box;
}

export type Mailbox = ReturnType<typeof mailbox>;

/**
 * The token of the first `/r/` (manage) or `/j/` (join) link in a text, or undefined. A join
 * link is `/j/{registration id}/{join key}` (or an older `/j/{token}`): its whole path after /j/.
 */
export function linkToken(text: string, kind: "r" | "j"): string | undefined {
  const pattern = kind === "j" ? /\/j\/(\w+\/[0-9a-f]{32}|[0-9a-z]+)/ : /\/r\/([0-9a-z]+)/;
  return pattern.exec(text)?.[1];
}
