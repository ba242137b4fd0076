/**
 * A counting SMTP server for the mail benchmarks, run as a CHILD PROCESS (bench/mail.ts forks it),
 * so its work does not share the event loop, or the core, with the code being measured.
 *
 * It accepts everything on 127.0.0.1 (no TLS, no AUTH, no reverse DNS lookup of the client),
 * drains each message's DATA without parsing it and counts messages and bytes. A server that
 * parsed every message (test/support/smtp.ts uses mailparser) would itself be the bottleneck.
 *
 * Protocol over the IPC channel (parent -> child):
 *   { op: "reset" }             -> { op: "reset", count: 0 }
 *   { op: "count" }             -> { op: "count", count, bytes }
 *   { op: "await", n, ms }      -> { op: "reached", count, bytes } once count >= n, or
 *                                  { op: "timeout", count, bytes } after ms
 * and, once listening, the child sends { op: "ready", port }. Every reply also carries cpuMs, the
 * CPU time the server process has used so far.
 */
import { SMTPServer } from "smtp-server";

let count = 0;
let bytes = 0;
let waiting: { n: number; timer: NodeJS.Timeout } | null = null;

/** CPU time this process has used, in ms (user + system), so the parent can tell a busy server. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return Math.round((user + system) / 1000);
};
const send = (message: Record<string, unknown>) => process.send?.({ ...message, cpuMs: cpuMs() });

function check() {
  if (waiting && count >= waiting.n) {
    clearTimeout(waiting.timer);
    waiting = null;
    send({ op: "reached", count, bytes });
  }
}

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  disableReverseLookup: true,
  logger: false,
  // Plenty for a bench; the client sends one message per transaction either way.
  maxClients: 1000,
  onData(stream, _session, callback) {
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
    });
    stream.on("end", () => {
      count++;
      bytes += size;
      check();
      callback();
    });
  },
});

process.on("message", (message: { op: string; n?: number; ms?: number }) => {
  switch (message.op) {
    case "reset":
      count = 0;
      bytes = 0;
      send({ op: "reset", count });
      break;
    case "count":
      send({ op: "count", count, bytes });
      break;
    case "await": {
      const n = message.n ?? 0;
      if (waiting) clearTimeout(waiting.timer);
      waiting = {
        n,
        timer: setTimeout(() => {
          waiting = null;
          send({ op: "timeout", count, bytes });
        }, message.ms ?? 60_000),
      };
      check();
      break;
    }
  }
});

// The parent went away (finished, crashed or was killed): nothing left to count for.
process.on("disconnect", () => process.exit(0));

server.on("error", (err) => {
  process.stderr.write(`smtp-sink: ${err.message}\n`);
});
server.listen(0, "127.0.0.1", () => {
  const address = server.server.address();
  send({ op: "ready", port: typeof address === "object" && address ? address.port : 0 });
});
