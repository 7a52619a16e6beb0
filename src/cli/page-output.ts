// How the list commands print one page of a paged route ({data, hasMore}, newest first): the API's
// JSON as it is with --json, else a table on stdout and, when older items follow, the option that
// fetches them on stderr (stdout keeps the table alone, for grep and less).
import { printJson } from './api-client.js';
import { printTable, type Column } from './table.js';

export interface Page<T> {
  data: T[];
  hasMore: boolean;
}

export interface PageOutput<T> {
  json?: boolean;
  columns: readonly Column<T>[];
  /** Printed instead of an empty table, e.g. "No subscriptions." */
  emptyText: string;
}

export function printPage<T extends { id: string }>(page: Page<T>, output: PageOutput<T>): void {
  if (output.json) {
    printJson(page);
    return;
  }
  printTable(page.data, output.columns, output.emptyText);
  const last = page.data[page.data.length - 1];
  if (page.hasMore && last) process.stderr.write(`More follow: add --starting-after ${last.id} for the next page.\n`);
}
