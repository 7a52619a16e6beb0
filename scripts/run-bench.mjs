// Runs the benchmarks under bench/ (each bench/<name>/index.ts), TypeScript loaded through tsx.
// `npm run bench` runs them all; `npm run bench -- actions` only those whose name contains "actions".
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const filter = process.argv.slice(2);
const benches = readdirSync('bench')
  .filter((name) => existsSync(join('bench', name, 'index.ts')))
  .filter((name) => filter.length === 0 || filter.some((part) => name.includes(part)))
  .sort();
if (benches.length === 0) {
  console.error('no benchmark matched');
  process.exit(1);
}
let status = 0;
for (const name of benches) {
  console.log(`\n## bench/${name}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', join('bench', name, 'index.ts')], { stdio: 'inherit' });
  if (result.status !== 0) status = 1;
}
process.exit(status);
