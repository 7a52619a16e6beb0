// Multi-row statements of the outbox are cut into chunks of this many rows: 100 rows × at most
// 10 columns stays far below SQLite's 32,766 bound parameters per statement.
const ROWS_PER_STATEMENT = 100;

/** `items` in consecutive chunks of at most ROWS_PER_STATEMENT. */
export function statementChunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) out.push(items.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}
