// Run history is written by group commit: the rows of the action calls that finish in the same
// turn of the event loop are inserted by one statement, i.e. one SQLite transaction and one WAL
// append, instead of one each. Each call is answered only once the statement holding its row has
// committed, so a call that was answered is always in GET /api/runs (issue 3, item 8).
//
// Why: a commit is most of an insert's cost. Measured on the bench machine with this store (WAL,
// synchronous NORMAL, the runs table and its indexes, a getCustomer-sized output): 55–97 µs of
// CPU per row committed alone, 24–28 µs per row in statements of 20 rows. At 20 concurrent calls
// the connector finishes several calls per turn, so most rows share a commit; one call at a time
// costs the same as before.
import type { Store } from '../store/database.js';
import { insertRuns } from '../store/runs.js';
import type { NewRunRow } from '../store/schema.js';

/**
 * Rows per statement at most. Default 50: 600 bound parameters (12 columns), far under SQLite's
 * 32,766 and PostgreSQL's 65,535, and a bounded number of distinct statement texts to cache.
 */
export const DEFAULT_MAX_ROWS_PER_COMMIT = 50;

interface Pending {
  row: NewRunRow;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class RunRecorder {
  private pending: Pending[] = [];
  private flushScheduled = false;

  constructor(
    private readonly db: Store,
    private readonly maxRowsPerCommit = DEFAULT_MAX_ROWS_PER_COMMIT,
  ) {}

  /** Resolves once the row is committed; rejects if it could not be written. */
  record(row: NewRunRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate runs after the current poll phase: every call whose Stripe answer arrived
        // in this turn has queued its row by then.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.flushScheduled = false;
    for (let start = 0; start < batch.length; start += this.maxRowsPerCommit) {
      await this.commit(batch.slice(start, start + this.maxRowsPerCommit));
    }
  }

  private async commit(group: Pending[]): Promise<void> {
    try {
      await insertRuns(this.db, group.map((p) => p.row));
      for (const p of group) p.resolve();
    } catch (error) {
      if (group.length === 1) {
        (group[0] as Pending).reject(error);
        return;
      }
      // One statement is all or nothing: a row that cannot be written (or a lock held too long)
      // fails it whole. Each row is tried alone, so each call gets its own outcome.
      for (const p of group) {
        await insertRuns(this.db, [p.row]).then(p.resolve, p.reject);
      }
    }
  }
}
