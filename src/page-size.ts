// How many items one page of a list holds: the run history, a subscription's deliveries and the
// subscription list all page the same way, and the query schemas and the CLI's --limit say so.
// The largest page keeps one `in (…)` of attempt lookups far below SQLite's 32,766 parameters.

/** Items per page when none is asked for. */
export const DEFAULT_PAGE_SIZE = 100;
/** The largest page a list answers. */
export const MAX_PAGE_SIZE = 1000;

/** The page size to use for an asked-for `limit` (already validated as 1 or more). */
export function pageSize(limit: number | undefined): number {
  return Math.min(limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
}
