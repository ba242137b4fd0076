import { LibsqlBatchError, LibsqlError } from "@libsql/client";

/*
 * LocalClient's errors (local-client.ts), made exactly as @libsql/client's file client makes
 * them, so code that handles one client's errors handles the other's. Node only.
 */

/** SQLite's primary result codes; an extended code is its primary code plus (n << 8). */
const PRIMARY_CODES = [
  "SQLITE_OK",
  "SQLITE_ERROR",
  "SQLITE_INTERNAL",
  "SQLITE_PERM",
  "SQLITE_ABORT",
  "SQLITE_BUSY",
  "SQLITE_LOCKED",
  "SQLITE_NOMEM",
  "SQLITE_READONLY",
  "SQLITE_INTERRUPT",
  "SQLITE_IOERR",
  "SQLITE_CORRUPT",
  "SQLITE_NOTFOUND",
  "SQLITE_FULL",
  "SQLITE_CANTOPEN",
  "SQLITE_PROTOCOL",
  "SQLITE_EMPTY",
  "SQLITE_SCHEMA",
  "SQLITE_TOOBIG",
  "SQLITE_CONSTRAINT",
  "SQLITE_MISMATCH",
  "SQLITE_MISUSE",
  "SQLITE_NOLFS",
  "SQLITE_AUTH",
  "SQLITE_FORMAT",
  "SQLITE_RANGE",
  "SQLITE_NOTADB",
  "SQLITE_NOTICE",
  "SQLITE_WARNING",
];

function primaryCode(rawCode: number | undefined): string {
  if (rawCode === undefined) return "SQLITE_UNKNOWN";
  const base = rawCode & 0xff;
  return (base > 0 && PRIMARY_CODES[base]) || `SQLITE_UNKNOWN_${base}`;
}

/**
 * An engine error (libsql's SqliteError) becomes a LibsqlError whose `code` is the primary
 * code ("SQLITE_CONSTRAINT") and `extendedCode` the engine's ("SQLITE_CONSTRAINT_UNIQUE");
 * anything else (ours, a RangeError for an unsafe integer) passes as it is.
 */
export function asLibsqlError(err: unknown, SqliteError: abstract new (...args: never[]) => Error): unknown {
  if (!(err instanceof SqliteError)) return err;
  const code = (err as { code?: unknown }).code;
  const rawCode = (err as { rawCode?: unknown }).rawCode;
  const raw = typeof rawCode === "number" ? rawCode : undefined;
  return new LibsqlError(
    err.message,
    primaryCode(raw),
    typeof code === "string" ? code : undefined,
    raw,
    err,
  );
}

/**
 * A failure of the `index`th statement of a batch (or migration): a LibsqlBatchError that
 * says which statement failed. Its message repeats the code, as @libsql/client's does.
 */
export function asBatchError(err: unknown, index: number): unknown {
  if (!(err instanceof LibsqlError) || err instanceof LibsqlBatchError) return err;
  const cause = err.cause instanceof Error ? err.cause : undefined;
  return new LibsqlBatchError(err.message, index, err.code, err.extendedCode, err.rawCode, cause);
}

/** What @libsql/client answers when a statement of a batch finds its transaction gone. */
export const transactionClosed = (index: number) =>
  new LibsqlBatchError("The transaction has been rolled back", index, "TRANSACTION_CLOSED");
