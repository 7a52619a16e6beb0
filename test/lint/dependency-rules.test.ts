// The dependency rule is enforced by lint (eslint.config.js): these check that the project's two
// rules fire on the imports they exist to refuse, with the repository's own configuration. That the
// tree as it is breaks none is `npm run lint`'s job, which npm test runs first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import noImportCycle from '../../eslint/no-import-cycle.js';

const ROOT = resolve(import.meta.dirname, '../..');

async function problemsOf(filePath: string, text: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(text, { filePath: join(ROOT, filePath) });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

test('a connector definition that imports the store, a route that calls a store function, the emulator importing the connector: each is a lint error naming the rule', async () => {
  assert.match((await problemsOf('src/connector/probe.ts', "import type { Store } from '../store/database.js';\nexport type S = Store;\n")).join('\n'), /src\/connector may not import src\/store\/database\.ts/);
  assert.match((await problemsOf('src/http/routes/probe.ts', "import { openStore } from '../../store/database.js';\nexport const o = openStore;\n")).join('\n'), /src\/http may not import src\/store\/database\.ts/);
  assert.match((await problemsOf('src/emulator/probe.ts', "import { actions } from '../connector/actions/index.js';\nexport const a = actions;\n")).join('\n'), /src\/emulator may not import src\/connector/);
  assert.match((await problemsOf('src/delivery/probe.ts', "import { sql } from 'kysely';\nexport const q = sql;\n")).join('\n'), /Queries live in src\/store/);
});

test('row types may come from the store into a route; a connector definition may use the shared helpers', async () => {
  assert.deepEqual(await problemsOf('src/http/routes/probe.ts', "import type { ConnectionRow } from '../../store/schema.js';\nexport type C = ConnectionRow;\n"), []);
  assert.deepEqual(await problemsOf('src/connector/probe.ts', "import { toIsoTime } from '../time.js';\nexport const t = toIsoTime;\n"), []);
});

test('an import circle among source files is a lint error at each import that closes it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-lint-'));
  try {
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('src/a.ts', "import { b } from './b.js';\nexport const a = (): number => b() + 1;\n");
    write('src/b.ts', "import type { C } from './deep/c.js';\nexport const b = (): number => 1;\nexport type B = C;\n");
    write('src/deep/c.ts', "import { a } from '../a.js';\nexport type C = ReturnType<typeof a>;\n");
    write('src/free.ts', "import { b } from './b.js';\nexport const f = b;\n");
    const eslint = new ESLint({
      cwd: dir,
      overrideConfigFile: true,
      overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as never }, plugins: { project: { rules: { 'no-import-cycle': noImportCycle } } }, rules: { 'project/no-import-cycle': ['error', { root: 'src' }] } }],
    });
    const results = await eslint.lintFiles(['src/**/*.ts']);
    const flagged = Object.fromEntries(results.map((r) => [r.filePath.slice(dir.length + 1), r.messages.length]));
    assert.deepEqual(flagged, { 'src/a.ts': 1, 'src/b.ts': 1, 'src/deep/c.ts': 1, 'src/free.ts': 0 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('metrics: prom-client only in src/metrics, producers see only the recorder interface, src/metrics imports nothing of the runtime', async () => {
  assert.match((await problemsOf('src/delivery/probe.ts', "import { Counter } from 'prom-client';\nexport const c = Counter;\n")).join('\n'), /Metrics are made in src\/metrics/);
  assert.match((await problemsOf('src/action-calls/probe.ts', "import { createMetrics } from '../metrics/registry.js';\nexport const m = createMetrics;\n")).join('\n'), /src\/action-calls may not import src\/metrics\/registry\.ts/);
  assert.match((await problemsOf('src/metrics/probe.ts', "import type { Store } from '../store/database.js';\nexport type S = Store;\n")).join('\n'), /src\/metrics may not import src\/store\/database\.ts/);
  assert.deepEqual(await problemsOf('src/delivery/probe.ts', "import type { MetricsRecorder } from '../metrics/recorder.js';\nexport type M = MetricsRecorder;\n"), []);
  assert.deepEqual(await problemsOf('src/metrics/probe.ts', "import { Counter } from 'prom-client';\nexport const c = Counter;\n"), []);
});
