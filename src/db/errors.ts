/**
 * Constraint failures look alike on libsql and D1 ("UNIQUE constraint failed: events.slug"),
 * but drizzle may wrap them; walk the cause chain and match the SQLite message.
 */
function messages(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 5; i++) {
    if (e instanceof Error) parts.push(e.message);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join(" | ");
}

export function isUniqueViolation(err: unknown, column?: string): boolean {
  const m = messages(err);
  return m.includes("UNIQUE constraint failed") && (!column || m.includes(column));
}

export function isForeignKeyViolation(err: unknown): boolean {
  return messages(err).includes("FOREIGN KEY constraint failed");
}

export function isNotNullViolation(err: unknown, column: string): boolean {
  const m = messages(err);
  return m.includes("NOT NULL constraint failed") && m.includes(column);
}
