// Which test files touch a store, decided at run time from what they import: every store a test
// opens comes from test/support/store-fixture.ts — directly, through the in-process harness
// (harness.ts), the child-process helpers (processes.ts) or any other helper that does — so a new
// test that touches the store runs on PostgreSQL without being listed anywhere, and the files that
// never reach it (the emulator's, pure functions') are not run twice for nothing.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** The one place a test gets its store; with TEST_DATABASE_URL each is a fresh PostgreSQL database. */
export const STORE_FIXTURE = normalize('test/support/store-fixture.ts');

// Static `import … from '…'`, `export … from '…'`, side-effect `import '…'` and dynamic
// `import('…')` of a relative path; packages (no leading dot) cannot reach the fixture.
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The .ts files `file` imports (TypeScript ESM spells them .js). */
function relativeImports(file) {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(RELATIVE_IMPORT)]
    .map((match) => normalize(join(dirname(file), match[1].replace(/\.js$/, '.ts'))))
    .filter((path) => path.endsWith('.ts') && existsSync(path));
}

/**
 * The subset of `files` that reach STORE_FIXTURE through their imports, or read
 * TEST_DATABASE_URL themselves.
 */
export function filesHonouringTestDatabaseUrl(files) {
  const importsOf = new Map();
  const reachesFixture = (testFile) => {
    const seen = new Set([testFile]);
    const queue = [testFile];
    while (queue.length > 0) {
      const file = queue.shift();
      if (file === STORE_FIXTURE) return true;
      if (!importsOf.has(file)) importsOf.set(file, relativeImports(file));
      for (const imported of importsOf.get(file)) {
        if (!seen.has(imported)) {
          seen.add(imported);
          queue.push(imported);
        }
      }
    }
    return false;
  };
  return files.filter(
    (file) => reachesFixture(normalize(file)) || readFileSync(file, 'utf8').includes('TEST_DATABASE_URL'),
  );
}
