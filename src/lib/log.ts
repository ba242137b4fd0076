/** Structured JSON logs: one object per line, so any log shipper can read them. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type Logger = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const ORDER: Record<LogLevel | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export function jsonLogger(
  minLevel: LogLevel | "silent",
  write: (line: string) => void = console.log,
): Logger {
  return (level, msg, fields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));
  };
}

export const silentLogger: Logger = () => {};

/**
 * An error's text without the values it was given: drizzle puts a failed query's parameters
 * (names, e-mail addresses, answers) after "params:" in its message, and the stack repeats the
 * message. The SQL text stays, so the failing statement can still be found.
 */
export function withoutValues(text: string | undefined): string | undefined {
  return text?.replace(/\nparams: [^\n]*/g, "\nparams: [not logged]");
}
