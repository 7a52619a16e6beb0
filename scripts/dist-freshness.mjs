// Whether the built command (dist/) is older than the source it was built from: `npm install`
// builds it (prepare), but a change to src/ since leaves it stale. Used by the test runner, which
// builds once per run, and by test helpers that run the built command on their own. The web
// console (src/console/ → dist/console/, scripts/build-console.mjs) is part of the same build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function newestMtimeMs(dir) {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
      entry.isDirectory() ? newestMtimeMs(join(dir, entry.name)) : statSync(join(dir, entry.name)).mtimeMs,
    ),
  );
}

const olderThan = (built, sourceMtimeMs) => !existsSync(built) || statSync(built).mtimeMs < sourceMtimeMs;

/** `root`: the repository's folder. */
export function distIsStale(root) {
  const console = join(root, 'src', 'console');
  return (
    olderThan(join(root, 'dist', 'cli', 'main.js'), newestMtimeMs(join(root, 'src'))) ||
    (existsSync(console) && olderThan(join(root, 'dist', 'console', 'app.js'), Math.max(newestMtimeMs(console), statSync(join(root, 'scripts', 'build-console.mjs')).mtimeMs)))
  );
}
