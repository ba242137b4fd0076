import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface Received {
  raw: string;
  parsed: ParsedMail;
  envelopeTo: string[];
}

/**
 * A real SMTP server in the test process (127.0.0.1, random port, no auth, no TLS) that keeps
 * every message it accepts, raw and parsed with mailparser. `rejectWith` makes it refuse
 * recipients with a 550 and that text, as a mail server in trouble would.
 */
export async function startSmtpServer() {
  const received: Received[] = [];
  const state = { rejectWith: null as string | null };
  const pending: Promise<void>[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (state.rejectWith) {
        const err = Object.assign(new Error(state.rejectWith), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const done = simpleParser(raw).then((parsed) => {
          received.push({ raw, parsed, envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
        });
        pending.push(done);
        done.then(() => callback(), callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  // A client that dies mid-session (the crash test SIGKILLs the sending server) resets its
  // socket; smtp-server reports that as an "error" event, which without a listener would be an
  // uncaught exception in the test process. It is the peer's doing, not the server's: kept, not thrown.
  const socketErrors: Error[] = [];
  server.on("error", (err) => socketErrors.push(err));
  const { port } = server.server.address() as { port: number };
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    state,
    socketErrors,
    /** Waits until every accepted message is parsed. */
    settled: () => Promise.all(pending),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type SmtpServer = Awaited<ReturnType<typeof startSmtpServer>>;
