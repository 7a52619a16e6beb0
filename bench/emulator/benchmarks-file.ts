// Writes a benchmark's figures into BENCHMARKS.md, replacing its own marked section (or adding it
// under the emulator heading), so re-running a benchmark updates its figures in place.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FILE = fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url));
const EMULATOR_HEADING = '## Emulator';

export function writeSection(name: string, markdown: string): void {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n';
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) {
    text = text.slice(0, from) + block + text.slice(to + end.length);
  } else {
    if (!text.includes(EMULATOR_HEADING)) text = `${text.trimEnd()}\n\n${EMULATOR_HEADING}\n`;
    const at = text.indexOf(EMULATOR_HEADING) + EMULATOR_HEADING.length;
    const nextHeading = text.indexOf('\n## ', at);
    const insertAt = nextHeading < 0 ? text.length : nextHeading;
    text = `${text.slice(0, insertAt).trimEnd()}\n\n${block}\n${text.slice(insertAt)}`;
  }
  writeFileSync(FILE, text.endsWith('\n') ? text : `${text}\n`);
}
