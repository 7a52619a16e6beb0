// Runs the benchmarks under bench/, TypeScript loaded through tsx, one at a time so they do not
// compete for the machine. A benchmark is either bench/<name>/index.ts (named <name>) or
// bench/<name>/<topic>.bench.ts (named <name>/<topic>). `npm run bench` runs them all;
// `npm run bench -- actions emulator/list` only those whose name contains one of the arguments.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function benchmarks() {
  return readdirSync('bench')
    .filter((dir) => statSync(join('bench', dir)).isDirectory())
    .flatMap((dir) => {
      if (existsSync(join('bench', dir, 'index.ts'))) return [{ name: dir, file: join('bench', dir, 'index.ts') }];
      return readdirSync(join('bench', dir))
        .filter((file) => file.endsWith('.bench.ts'))
        .map((file) => ({ name: `${dir}/${file.slice(0, -'.bench.ts'.length)}`, file: join('bench', dir, file) }));
    });
}

const filter = process.argv.slice(2);
const chosen = benchmarks()
  .filter(({ name }) => filter.length === 0 || filter.some((part) => name.includes(part)))
  .sort((a, b) => a.name.localeCompare(b.name));
if (chosen.length === 0) {
  console.error('no benchmark matched');
  process.exit(1);
}
let status = 0;
for (const { name, file } of chosen) {
  console.log(`\n## bench/${name}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (result.status !== 0) status = 1;
}
process.exit(status);
