// Tests run the built command (dist/: what `npm start`, the docs and users run; and a child started
// from it costs a quarter of the CPU of one through tsx). `npm install` builds it (prepare); a change
// to src/ since leaves it stale, so it is built again first (scripts/run-tests.mjs does it once per run).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { distIsStale } from '../../scripts/dist-freshness.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILT_MAIN = join(ROOT, 'dist/cli/main.js');

export function builtCliIsStale(): boolean {
  return distIsStale(ROOT);
}

let checked: Promise<void> | undefined;

/** Builds dist/ if src/ is newer, once per test process (the runner has built it already for a whole run). */
export function ensureBuiltCli(): Promise<void> {
  checked ??= builtCliIsStale() ? promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, timeout: 300_000 }).then(() => undefined) : Promise.resolve();
  return checked;
}
