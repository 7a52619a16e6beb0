// Runs the benchmarks under bench/ whose file name contains the given words (all when none):
// `npm run bench -- actions`. Each is a TypeScript program run through tsx; results go to stdout.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const filter = process.argv.slice(2);
// Files ending in .ts that are programs, not the helpers a benchmark starts (named *-server.ts).
const files = readdirSync('bench')
  .filter((name) => name.endsWith('.ts') && !name.endsWith('-server.ts'))
  .filter((name) => filter.length === 0 || filter.some((part) => name.includes(part)))
  .sort();
if (files.length === 0) {
  console.error('no benchmark matched');
  process.exit(1);
}
for (const file of files) {
  console.log(`\n## bench/${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
