// Runs every benchmark under bench/ (files named *.bench.ts), or those whose path contains one of
// the arguments: `npm run bench -- customer-creates`. One at a time, so they do not compete for
// the machine; each writes its figures into BENCHMARKS.md.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function benchFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return benchFiles(path);
    return name.endsWith('.bench.ts') ? [path] : [];
  });
}

const filter = process.argv.slice(2);
const files = benchFiles('bench')
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('no benchmark matched');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n== ${file}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
