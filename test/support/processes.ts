// Real child processes of the `stripe-connector` command for tests that touch its store: a child
// given DATA_DIR and no DATABASE_URL is given that data dir's PostgreSQL database on the runner's
// PostgreSQL pass (store-fixture.ts's databaseUrlFor), so every `serve` a test starts runs on both
// dialects, and a restart on the same DATA_DIR finds the same store. Tests whose children never
// open the test store (the demo's is its own SQLite) use cli-process.ts directly.
import { databaseUrlFor } from './store-fixture.js';
import * as plain from './cli-process.js';

export { childEnv, type CliResult, type ServerProcess } from './cli-process.js';

/** `env` plus DATABASE_URL for its DATA_DIR on the PostgreSQL pass; an explicit DATABASE_URL (even '') wins. */
async function withStoreOf(env: Record<string, string>): Promise<Record<string, string>> {
  if (env.DATA_DIR === undefined || 'DATABASE_URL' in env) return env;
  const databaseUrl = await databaseUrlFor(env.DATA_DIR);
  return databaseUrl ? { ...env, DATABASE_URL: databaseUrl } : env;
}

/** `timeoutMs`: a command still running then is killed (SIGKILL) and resolves with code null. */
export async function runCli(args: string[], options: { env?: Record<string, string>; stdin?: string; timeoutMs?: number } = {}): Promise<plain.CliResult> {
  return plain.runCli(args, { ...options, env: await withStoreOf(options.env ?? {}) });
}

export async function startServerProcess(args: string[], env: Record<string, string>): Promise<plain.ServerProcess> {
  return plain.startServerProcess(args, await withStoreOf(env));
}
