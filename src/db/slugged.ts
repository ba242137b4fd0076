import { eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { conflict, invalidField, notFound } from "../lib/problem.js";
import type { Db } from "./db.js";
import { isForeignKeyViolation } from "./errors.js";

type Slugged = SQLiteTable & { id: SQLiteColumn; slug: SQLiteColumn };

/**
 * What people, topics and briefs (the catalogue, addressed by slug in the API) share: read one
 * by slug (404), resolve a list of slugs in order (422 naming the first unknown one), and a
 * delete that other rows still point at becomes 409 `in-use` instead of a foreign-key error.
 * Each owner passes its own table; creation shares `withUniqueSlug` (src/lib/unique-slug.ts).
 */
export function sluggedTable<T extends Slugged>(table: T, noun: { label: string; lower: string }) {
  type Row = T["$inferSelect"];
  const bySlug = (db: Db, slugs: string[]) =>
    db
      .select()
      .from(table as SQLiteTable)
      .where(inArray(table.slug, slugs)) as unknown as Promise<Row[]>;
  return {
    async get(db: Db, slug: string): Promise<Row> {
      const [row] = await bySlug(db, [slug]);
      if (!row) throw notFound(`${noun.label} ${slug}`);
      return row;
    },
    /** Rows for `slugs` in the given order; the first unknown one is named as `${field}.${index}`. */
    async resolve(db: Db, slugs: string[], field: string): Promise<Row[]> {
      if (slugs.length === 0) return [];
      const found = new Map((await bySlug(db, slugs)).map((r) => [(r as { slug: string }).slug, r]));
      return slugs.map((s, i) => {
        const row = found.get(s);
        if (!row) throw invalidField(`${field}.${i}`, `no ${noun.lower} with slug "${s}"`);
        return row;
      });
    },
    /** Deletes by id with the caller's other statements (its audit row) in one batch. */
    async remove(db: Db, id: string, with_: BatchItem<"sqlite">[], inUse: string): Promise<void> {
      try {
        await db.batch([db.delete(table).where(eq(table.id, id)), ...with_]);
      } catch (err) {
        if (isForeignKeyViolation(err)) throw conflict("in-use", inUse);
        throw err;
      }
    },
  };
}
