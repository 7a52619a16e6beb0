// Which test files honour TEST_DATABASE_URL, decided at run time from what they import, so a new
// test that opens its store through the fixture (directly, or through trigger-harness.ts,
// serve-world.ts or any other helper that does) runs on PostgreSQL without being listed anywhere.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** The one place a test store is opened; with TEST_DATABASE_URL it is a PostgreSQL database. */
export const STORE_FIXTURE = normalize('test/delivery/store-fixture.ts');

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
