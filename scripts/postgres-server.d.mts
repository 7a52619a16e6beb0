/** A throwaway PostgreSQL server (postgres-server.mjs): its URL (the `postgres` database), the postmaster's pid, stop(). */
export interface RunningPostgres {
  url: string;
  binDir: string;
  pid: number;
  logProblems(lineCount?: number): string;
  stop(): Promise<void>;
}

/** Starts one, or says why it cannot here. `settings`: more `-c` settings for the server. */
export function startPostgres(options?: { settings?: Record<string, string> }): Promise<RunningPostgres | { skipped: string }>;
