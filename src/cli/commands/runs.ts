// `stripe-connector runs list [--follow]`: the run history (GET /api/runs) — action calls and
// trigger delivery attempts. One page newest first; with --follow, the latest runs oldest first
// and then each new one as it appears, by asking GET /api/runs again every --interval seconds,
// until Ctrl-C, SIGTERM or a closed stdout (exit 0).
import { setTimeout as sleep } from 'node:timers/promises';
import { Option, type Command } from 'commander';
import { apiClient, CliError, type ApiCall } from '../api-client.js';
import { pageLimit, queryString, wholeNumber } from '../option-values.js';
import { printPage, type Page } from '../page-output.js';
import { formatTable, type Column } from '../table.js';

interface RunView {
  id: string;
  kind: 'action' | 'delivery';
  connection: string;
  operation: string;
  status: string;
  durationMs: number;
  createdAt: string;
  stripeRequestId?: string | null;
  statusCode?: number | null;
  error?: unknown;
}

/** What went wrong, else what identifies the call: Stripe's request id, the subscriber's status. */
function detail(run: RunView): string | null {
  const error = run.error as { message?: unknown } | string | null | undefined;
  const message = typeof error === 'string' ? error : typeof error?.message === 'string' ? error.message : null;
  if (run.kind === 'delivery') return [run.statusCode == null ? null : `HTTP ${run.statusCode}`, message].filter(Boolean).join(' ') || null;
  return message ?? run.stripeRequestId ?? null;
}

// Widths fit the usual values (ids of up to 32 characters, ISO times of 24), so that the batches --follow
// prints under one header stay aligned.
const columns: Column<RunView>[] = [
  { header: 'ID', value: (r) => r.id, width: 32 },
  { header: 'KIND', value: (r) => r.kind, width: 8 },
  { header: 'OPERATION', value: (r) => r.operation, width: 16 },
  { header: 'CONNECTION', value: (r) => r.connection, width: 29 },
  { header: 'STATUS', value: (r) => r.status, width: 9 },
  { header: 'MS', value: (r) => r.durationMs, width: 5 },
  { header: 'STARTED', value: (r) => r.createdAt, width: 24 },
  { header: 'DETAIL', value: detail },
];

/** --follow's default pause between two requests: a new run shows within 2 s, at one small query per 2 s. */
export const DEFAULT_FOLLOW_INTERVAL_SECONDS = 2;
/** Runs --follow shows before the new ones when --limit is not given, as `tail` shows 10 lines. */
const DEFAULT_FOLLOW_BACKLOG = 20;
/** Page size of each --follow request: more new runs than this between two requests take more pages. */
const FOLLOW_PAGE_SIZE = 100;
/** At most this many pages per request round (10,000 runs): beyond it the oldest new ones are skipped, with a warning. */
const FOLLOW_MAX_PAGES = 100;
/**
 * A run is listed under its start time but recorded when it ends, so it can appear behind runs
 * already printed. An action call ends within 30 s per try and 4 tries with backoff (under 3 min,
 * src/stripe/client.ts), a delivery attempt within 10 s: runs started up to 5 min before the newest
 * one printed are still looked for.
 */
const LATE_RUN_WINDOW_MS = 5 * 60_000;

/** Run ids remembered; far more than the late-run window holds at any usual rate. */
const REMEMBERED_RUNS = 50_000;

/** Tells new runs from those already printed or older than what --follow started from. */
class NewRunTracker {
  private readonly seen = new Set<string>();
  /** Runs started at or before this (ms) are not new. */
  private cutMs = Number.NEGATIVE_INFINITY;

  /** The first page printed: its runs are seen; when older ones follow, they are not new either. */
  start(page: Page<RunView>): void {
    this.remember(page.data);
    const oldest = page.data[page.data.length - 1];
    if (page.hasMore && oldest) this.cutMs = Math.max(this.cutMs, Date.parse(oldest.createdAt));
  }

  /** Not printed yet, and started after the cut. */
  isNew(run: RunView): boolean {
    return !this.seen.has(run.id) && Date.parse(run.createdAt) > this.cutMs;
  }

  /**
   * Whether pages older than this one need not be asked for: it reaches the cut, or a run printed
   * before (the new ones end there; a late run further down is looked for only on this page).
   */
  endsSearch(page: readonly RunView[]): boolean {
    const last = page[page.length - 1];
    return last === undefined || Date.parse(last.createdAt) <= this.cutMs || page.some((run) => this.seen.has(run.id));
  }

  remember(runs: readonly RunView[]): void {
    for (const run of runs) {
      this.seen.add(run.id);
      this.cutMs = Math.max(this.cutMs, Date.parse(run.createdAt) - LATE_RUN_WINDOW_MS);
    }
    // A Set iterates in insertion order: the first ids are the oldest.
    for (const id of this.seen) {
      if (this.seen.size <= REMEMBERED_RUNS) break;
      this.seen.delete(id);
    }
  }
}

interface ListOptions {
  connection?: string;
  operation?: string;
  status?: string;
  limit?: string;
  startingAfter?: string;
  follow: boolean;
  interval: string;
  json?: boolean;
}

type Filter = Pick<ListOptions, 'connection' | 'operation' | 'status'>;

function runsPath(filter: Filter, limit: number | undefined, startingAfter?: string): string {
  return `/api/runs${queryString({ connection: filter.connection, operation: filter.operation, status: filter.status, limit, startingAfter })}`;
}

/** The new runs, oldest first: pages from the newest until one reaches what was seen before. */
async function newRuns(call: ApiCall, filter: Filter, tracker: NewRunTracker): Promise<RunView[]> {
  const fresh: RunView[] = [];
  let startingAfter: string | undefined;
  for (let pages = 0; pages < FOLLOW_MAX_PAGES; pages++) {
    const page = (await call('GET', runsPath(filter, FOLLOW_PAGE_SIZE, startingAfter))) as Page<RunView>;
    fresh.push(...page.data.filter((run) => tracker.isNew(run)));
    if (!page.hasMore || tracker.endsSearch(page.data)) return fresh.reverse();
    startingAfter = page.data[page.data.length - 1]?.id;
  }
  process.stderr.write(`runs: more than ${FOLLOW_PAGE_SIZE * FOLLOW_MAX_PAGES} new runs since the last request; older ones skipped\n`);
  return fresh.reverse();
}

async function follow(filter: Filter, options: ListOptions): Promise<void> {
  if (options.startingAfter !== undefined) throw new CliError('--follow shows the newest runs: it does not take --starting-after');
  const intervalSeconds = wholeNumber(options.interval, '--interval', 1, 3600);
  const backlog = pageLimit(options.limit) ?? DEFAULT_FOLLOW_BACKLOG;
  const stopped = new AbortController();
  const stop = () => stopped.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // `runs list --follow | head -5`: once the reader is gone, nothing is left to print to.
  process.stdout.once('error', stop);
  const call = apiClient(process.env, { signal: stopped.signal });
  const tracker = new NewRunTracker();
  let headerPrinted = false;
  const print = (runs: RunView[]) => {
    if (options.json) {
      for (const run of runs) process.stdout.write(`${JSON.stringify(run)}\n`);
    } else if (runs.length > 0 || !headerPrinted) {
      process.stdout.write(`${formatTable(runs, columns, { header: !headerPrinted })}\n`);
      headerPrinted = true;
    }
  };
  try {
    const first = (await call('GET', runsPath(filter, backlog))) as Page<RunView>;
    tracker.start(first);
    print([...first.data].reverse());
    process.stderr.write(`runs: following, a request every ${intervalSeconds} s; stop with Ctrl-C\n`);
    for (;;) {
      await sleep(intervalSeconds * 1000, undefined, { signal: stopped.signal });
      const fresh = await newRuns(call, filter, tracker);
      tracker.remember(fresh);
      print(fresh);
    }
  } catch (error) {
    // Stopping aborts the pause or the request in flight: that is the way out, not a failure.
    if (!stopped.signal.aborted) throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function registerRunsCommand(program: Command): void {
  const runs = program.command('runs').description('run history: action calls and trigger delivery attempts');
  runs
    .command('list')
    .description('list your runs, newest first; --follow keeps printing new ones until stopped')
    .option('--connection <id>', 'only runs through this connection')
    .option('--operation <name>', 'only this action or trigger, e.g. createCustomer or chargeAdded')
    .addOption(new Option('--status <status>', 'only runs with this outcome').choices(['succeeded', 'failed']))
    .option('--limit <n>', `runs per page, 1 to 1000 (default: the server's, 100; with --follow, the ${DEFAULT_FOLLOW_BACKLOG} latest are shown first)`)
    .option('--starting-after <id>', 'the page after this run (the last id of the previous page)')
    .option('--follow', 'print the latest runs oldest first, then each new run as it appears, until Ctrl-C or SIGTERM', false)
    .option('--interval <seconds>', 'with --follow, seconds between two requests, 1 to 3600', String(DEFAULT_FOLLOW_INTERVAL_SECONDS))
    .option('--json', "print the API's JSON answer ({data, hasMore}); with --follow, one run per line")
    .addHelpText(
      'after',
      '\nExamples:\n  $ stripe-connector runs list --connection conn_… --status failed --limit 20\n  $ stripe-connector runs list --operation chargeAdded --follow',
    )
    .action(async (options: ListOptions) => {
      const filter: Filter = { connection: options.connection, operation: options.operation, status: options.status };
      if (options.follow) {
        await follow(filter, options);
        return;
      }
      const page = (await apiClient()('GET', runsPath(filter, pageLimit(options.limit), options.startingAfter))) as Page<RunView>;
      printPage(page, { json: options.json, columns, emptyText: 'No runs.' });
    });
}
