// Whether the built command (dist/) is older than the source it was built from: `npm install`
// builds it (prepare), but a change to src/ since leaves it stale. Used by the test runner, which
// builds once per run, and by test helpers that run the built command on their own.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtimeMs(dir) {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestMtimeMs(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );
}

/** `root`: the repository's folder. */
export function distIsStale(root) {
  const main = join(root, 'dist', 'cli', 'main.js');
  return !existsSync(main) || statSync(main).mtimeMs < newestMtimeMs(join(root, 'src'));
}
