import type { InStatement, ResultSet } from "@libsql/client";
import { asBatchError } from "./local-errors.js";

/** What group commit needs of the embedded client (LocalClient), by shape: no import cycle. */
interface TransactionalClient {
  run(statement: InStatement): ResultSet;
  inTransactionDo<T>(begin: string, work: () => T): T;
}

/**
 * Group commit for the embedded engine: the app's writes that arrive within a few turns of the
 * event loop share one transaction, so they share one COMMIT. Every write of LocalClient comes
 * here: sqlBatch's batches (src/db/batch.ts) directly, and LocalClient's own batch() and
 * execute() when they change rows (drizzle's db.batch, db.insert(), ...).
 *
 * Why: a registration's own statements take ~150 us; its COMMIT took ~400 us more. A COMMIT
 * writes every b-tree page the transaction touched and fsyncs the WAL. A registration touches
 * ~22 b-trees, mostly at their right edge, so ten registrations write barely more pages than
 * one, and share the fsync.
 *
 * Each batch still stands alone:
 * - batches run one after another in arrival order, each seeing the ones before it, exactly
 *   as if they had been committed one by one;
 * - no caller hears "done" before the COMMIT (synchronous=FULL: WAL fsynced) has returned;
 * - if any statement of the group fails (or BEGIN or COMMIT does), the whole transaction is
 *   rolled back and every batch of the group runs again alone, in its own transaction, and
 *   gets its own answer. Failures are rare on this path (the app's batches are written not to
 *   fail), so the common case pays for no savepoints.
 *
 * Nothing is awaited between BEGIN and COMMIT, so no other statement on the connection can
 * land inside the group. A statement here must not begin or end a transaction itself (LocalClient
 * keeps such batches out; sqlBatch's callers never write them).
 *
 * Errors are @libsql/client's: a batch's failure is a LibsqlBatchError naming the statement,
 * a single statement's (`execute`) the plain LibsqlError that statement raised.
 */

/**
 * Turns a group may wait while it is still growing. Clients answered together send their next
 * requests together, but these arrive over a few turns; waiting for them makes groups of ~10
 * instead of several small ones with a fsync each (bench: ~1,900 -> ~2,400 req/s at 10
 * clients). A group that stopped growing, or a lone request, goes at the next turn.
 */
const MAX_WAIT_TURNS = 4;

interface Pending {
  statements: InStatement[];
  /** One statement from execute(): its error is not a batch's. */
  single: boolean;
  resolve: (results: ResultSet[]) => void;
  reject: (err: unknown) => void;
}

export class GroupCommitter {
  private queue: Pending[] = [];
  /** Transactions committed and the batches they made durable, for tests and the benchmark. */
  readonly stats = { transactions: 0, batches: 0 };

  constructor(private readonly client: TransactionalClient) {}

  /** Runs `statements` as one atomic batch, possibly in a transaction shared with others. */
  batch(statements: InStatement[]): Promise<ResultSet[]> {
    return this.enqueue(statements, false);
  }

  /** Runs one statement as a batch of its own would run, failing as a lone statement fails. */
  async execute(statement: InStatement): Promise<ResultSet> {
    const [result] = await this.enqueue([statement], true);
    return result!;
  }

  private enqueue(statements: InStatement[], single: boolean): Promise<ResultSet[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ statements, single, resolve, reject });
      if (this.queue.length === 1) this.settle(1, 0);
    });
  }

  /**
   * setImmediate runs after the I/O callbacks of a turn: every request that reached its write
   * by then has joined. If some did during this turn, wait one more (up to MAX_WAIT_TURNS).
   */
  private settle(seen: number, turns: number): void {
    setImmediate(() => {
      if (this.queue.length > seen && turns + 1 < MAX_WAIT_TURNS) this.settle(this.queue.length, turns + 1);
      else this.flush();
    });
  }

  private flush(): void {
    const group = this.queue;
    this.queue = [];
    if (group.length > 1) {
      let results: ResultSet[][];
      try {
        results = this.commit(() => group.map((p) => this.statements(p)));
      } catch {
        for (const p of group) this.alone(p);
        return;
      }
      this.stats.batches += group.length;
      group.forEach((p, i) => {
        p.resolve(results[i]!);
      });
      return;
    }
    this.alone(group[0]!);
  }

  private alone(p: Pending): void {
    let results: ResultSet[];
    try {
      results = this.commit(() => this.statements(p));
    } catch (err) {
      p.reject(err);
      return;
    }
    this.stats.batches++;
    p.resolve(results);
  }

  private statements(p: Pending): ResultSet[] {
    const results: ResultSet[] = [];
    for (const s of p.statements) {
      try {
        results.push(this.client.run(s));
      } catch (err) {
        throw p.single ? err : asBatchError(err, results.length);
      }
    }
    return results;
  }

  private commit<T>(work: () => T): T {
    const result = this.client.inTransactionDo("BEGIN IMMEDIATE", work);
    this.stats.transactions++;
    return result;
  }
}
