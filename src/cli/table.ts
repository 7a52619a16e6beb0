// The CLI's readable output: a list as aligned columns under a header, one object as "field  value"
// lines. `--json` bypasses all of this and prints the API's answer as it is.

export interface Column<T> {
  header: string;
  value(row: T): unknown;
  /**
   * Least width, default the header's. `runs list --follow` prints rows batch by batch under one
   * header: a width that fits the usual values keeps those batches aligned.
   */
  width?: number;
}

/**
 * One line of text for a cell. Control characters become spaces: values such as a subscriber's
 * error text come from elsewhere, and an escape sequence in them must not drive the terminal.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ');
}

/**
 * Columns separated by two spaces, each as wide as its widest cell (at least its `width`); the last
 * one is not padded. `header` false leaves the header line out (default true).
 */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[], options: { header?: boolean } = {}): string {
  const body = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const all = [columns.map((c) => c.header), ...body];
  const widths = columns.map((c, i) => Math.max(c.width ?? 0, ...all.map((line) => (line[i] as string).length)));
  return (options.header === false ? body : all)
    .map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i] as number))).join('  ').trimEnd())
    .join('\n');
}

/** One object, a field per line: `[label, value]` pairs in the order given. */
export function formatRecord(fields: readonly (readonly [string, unknown])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${cellText(value)}`).join('\n');
}

export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], emptyText: string): void {
  console.log(rows.length === 0 ? emptyText : formatTable(rows, columns));
}
