// Tests that run the built command (dist/, what `npm start` and the docs name) build it first when
// src/ is newer: `npm install` builds it (prepare), but a change to src/ since leaves it stale.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILT_MAIN = join(ROOT, 'dist/cli/main.js');

function newestMtimeMs(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    }),
  );
}

export async function ensureBuiltCli(): Promise<void> {
  if (!existsSync(BUILT_MAIN) || statSync(BUILT_MAIN).mtimeMs < newestMtimeMs(join(ROOT, 'src'))) {
    await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, timeout: 300_000 });
  }
}
