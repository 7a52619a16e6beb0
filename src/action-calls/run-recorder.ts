// Run history is written by group commit (src/store/group-commit.ts): the rows of the action calls
// that finish in the same turn of the event loop are inserted by one statement, i.e. one SQLite
// transaction and one WAL append, instead of one each. Each call is answered only once the
// statement holding its row has committed, so a call that was answered is always in GET /api/runs.
//
// Why: a commit is most of an insert's cost. Measured on the bench machine with this store (WAL,
// synchronous NORMAL, the runs table and its indexes, a getCustomer-sized output): 55–97 µs of
// CPU per row committed alone, 24–28 µs per row in statements of 20 rows. At 20 concurrent calls
// the connector finishes several calls per turn, so most rows share a commit; one call at a time
// costs the same as before.
import { redactSecrets } from '../redact.js';
import type { Store } from '../store/database.js';
import { GroupCommit } from '../store/group-commit.js';
import { insertRuns } from '../store/runs.js';
import type { NewRunRow } from '../store/schema.js';

/** A run as the action path knows it: input, output and error as values, not yet redacted. */
export interface RunRecord extends Omit<NewRunRow, 'input' | 'output' | 'error'> {
  input: unknown;
  /** Absent when the run failed. */
  output?: { value: unknown; json: string };
  /** Absent when the run succeeded. */
  error?: unknown;
}

/**
 * The one place a run's input, output and error are redacted (src/redact.ts) before they are kept:
 * a key pasted into a customer's description is as secret in Stripe's answer as in the request.
 * Only the history is redacted; the caller's live answer is Stripe's data, sent as it came. The
 * output's JSON text, already made for that answer, is kept as it is when nothing needed redacting.
 */
export function historyRow(run: RunRecord): NewRunRow {
  const { input, output, error, ...columns } = run;
  let outputJson: string | null = null;
  if (output) {
    const redacted = redactSecrets(output.value);
    outputJson = redacted === output.value ? output.json : JSON.stringify(redacted);
  }
  return {
    ...columns,
    input: JSON.stringify(redactSecrets(input)),
    output: outputJson,
    error: error === undefined ? null : JSON.stringify(redactSecrets(error)),
  };
}

/**
 * Rows per statement at most. Default 50: 600 bound parameters (12 columns), far under SQLite's
 * 32,766 and PostgreSQL's 65,535, and a bounded number of distinct statement texts to cache.
 */
export const DEFAULT_MAX_ROWS_PER_COMMIT = 50;

export class RunRecorder {
  private readonly group: GroupCommit<NewRunRow, void>;

  constructor(db: Store, maxRowsPerCommit = DEFAULT_MAX_ROWS_PER_COMMIT) {
    this.group = new GroupCommit({
      commit: async (rows) => {
        await insertRuns(db, rows);
        return rows.map(() => undefined);
      },
      delayMs: 0,
      maxItems: maxRowsPerCommit,
    });
  }

  /** Resolves once the run's row is committed; rejects if it could not be written. */
  record(run: RunRecord): Promise<void> {
    return this.group.add(historyRow(run));
  }
}
