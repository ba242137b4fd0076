import type { InArgs, InValue, ResultSet, Row } from "@libsql/client";

/*
 * Result rows of LocalClient (local-client.ts), shaped like @libsql/client's so drizzle and
 * src/db/batch.ts read them the same way on either client.
 */

const VALUES = Symbol("values");
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Rows look like @libsql/client's: columns readable by name (enumerable, in column order, so
 * drizzle's `db.all` copies them) and by index (not enumerable, read through the prototype,
 * so they stay out of that copy), with a `length`. One prototype per statement keeps building
 * a row to a handful of property stores.
 */
export function rowPrototype(columnCount: number): object {
  const proto: Record<string, PropertyDescriptor> = {
    length: { get: () => columnCount },
  };
  for (let i = 0; i < columnCount; i++) {
    proto[i] = {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][i];
      },
    };
  }
  return Object.create(Object.prototype, proto);
}

/**
 * The names a row can carry: as in @libsql/client, the first of two equal names wins, and a
 * column called "length" or "0", "1"... is readable by index only (those names are taken).
 */
export function namedColumns(columns: string[]): [string, number][] {
  const named: [string, number][] = [];
  const taken = new Set(["length", ...columns.map((_, i) => String(i))]);
  columns.forEach((name, i) => {
    if (taken.has(name)) return;
    taken.add(name);
    named.push([name, i]);
  });
  return named;
}

function toValue(v: unknown): unknown {
  if (typeof v === "bigint") {
    if (v < MIN_SAFE || v > MAX_SAFE) {
      throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
    }
    return Number(v);
  }
  if (v instanceof Uint8Array) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
  return v;
}

export function toRow(values: unknown[], named: [string, number][], proto: object): Row {
  for (let i = 0; i < values.length; i++) values[i] = toValue(values[i]);
  const row = Object.create(proto) as Record<string, unknown>;
  Object.defineProperty(row, VALUES, { value: values });
  for (const [name, i] of named) row[name] = values[i];
  return row as unknown as Row;
}

/** Positional arguments converted as @libsql/client converts them. */
export function toParams(args: InArgs | undefined): unknown[] {
  if (args === undefined) return [];
  if (!Array.isArray(args)) throw new TypeError("named arguments are not supported by the local client");
  return args.map(toSql);
}

/** The conversions @libsql/client makes, so values round-trip the same way on both clients. */
function toSql(value: InValue): unknown {
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value)) throw new RangeError("Only finite numbers can be passed as arguments");
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "string":
    case "bigint":
      return value;
    default:
      if (value === null) return null;
      if (value instanceof Date) return value.valueOf();
      if (value instanceof ArrayBuffer) return Buffer.from(value);
      if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      throw new TypeError(`Unsupported value: ${String(value)}`);
  }
}

export function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid?: bigint,
): ResultSet {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON: () => ({
      columns,
      columnTypes,
      rows,
      rowsAffected,
      lastInsertRowid: lastInsertRowid?.toString(),
    }),
  };
}
