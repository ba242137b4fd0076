import type { InStatement, ResultSet } from "@libsql/client";
import type { LocalClient } from "./local-client.js";

/**
 * Group commit for the embedded engine: write batches that arrive in the same turn of the
 * event loop share one transaction, so they share one COMMIT, the WAL append and fsync that
 * dominate a small write (a registration's COMMIT costs ~400 us, its five statements ~150 us).
 *
 * Each batch still stands alone:
 * - it runs inside its own SAVEPOINT, so an error rolls back that batch only and is reported to
 *   its caller alone, while the others carry on;
 * - no caller hears "done" before the COMMIT that makes its batch durable has returned;
 * - batches run one after another in arrival order, each seeing the ones before it, exactly
 *   as if they had been committed one by one.
 *
 * If the shared transaction itself fails (BEGIN, COMMIT, or an error that made SQLite roll the
 * whole transaction back), nothing of it was kept, so every batch of the group is run again
 * alone and gets its own answer. Nothing is awaited between BEGIN and COMMIT, so no other
 * statement on the connection can land inside the group.
 */

interface Pending {
  statements: InStatement[];
  resolve: (results: ResultSet[]) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; results: ResultSet[] } | { ok: false; error: unknown };

export class GroupCommitter {
  private queue: Pending[] = [];
  /** Transactions committed and the batches they made durable, for tests and the benchmark. */
  readonly stats = { transactions: 0, batches: 0 };

  constructor(private readonly client: LocalClient) {}

  /** Runs `statements` as one atomic batch, possibly in a transaction shared with others. */
  batch(statements: InStatement[]): Promise<ResultSet[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, resolve, reject });
      // setImmediate runs after the I/O callbacks of this turn: every request that reached
      // its write by then joins the group.
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const group = this.queue;
    this.queue = [];
    if (group.length === 1) {
      this.alone(group[0]!);
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.client.inTransactionDo("BEGIN IMMEDIATE", () => group.map((p) => this.inSavepoint(p)));
    } catch {
      for (const p of group) this.alone(p);
      return;
    }
    this.stats.transactions++;
    this.stats.batches += outcomes.filter((o) => o.ok).length;
    group.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.results);
      else p.reject(o.error);
    });
  }

  private inSavepoint(p: Pending): Outcome {
    const run = (sql: string) => this.client.run({ sql, args: [] });
    run("SAVEPOINT grouped_batch");
    try {
      const results = p.statements.map((s) => this.client.run(s));
      run("RELEASE grouped_batch");
      return { ok: true, results };
    } catch (error) {
      // SQLite ended the whole transaction (it does for a few errors): the group is lost.
      if (!this.client.inTransaction) throw error;
      run("ROLLBACK TO grouped_batch");
      run("RELEASE grouped_batch");
      return { ok: false, error };
    }
  }

  private alone(p: Pending): void {
    try {
      const results = this.client.inTransactionDo("BEGIN IMMEDIATE", () =>
        p.statements.map((s) => this.client.run(s)),
      );
      this.stats.transactions++;
      this.stats.batches++;
      p.resolve(results);
    } catch (err) {
      p.reject(err);
    }
  }
}
