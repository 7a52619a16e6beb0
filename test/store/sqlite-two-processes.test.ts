// Two processes on one SQLite file, as `serve --workers 2` runs: transactions that read and then
// write must all commit, waiting for each other's write lock (busy_timeout) rather than failing
// with SQLITE_BUSY (src/store/sqlite-dialect.ts). SQLite only: the PostgreSQL pass skips this file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

function writer(dataDir: string, rounds: number): Promise<{ committed: number; failures: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/store/sqlite-writer-process.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, ROUNDS: String(rounds) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { committed: number; failures: string[] }) : reject(new Error(`writer exited ${code}: ${out}`))));
  });
}

test('two processes running read-then-write transactions on one SQLite file at once all commit', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-sqlite-two-'));
  try {
    const store = openStore({ dataDir, databaseUrl: undefined });
    await migrateToLatest(store);
    await store.destroy();
    const rounds = 500;
    const results = await Promise.all([writer(dataDir, rounds), writer(dataDir, rounds)]);
    for (const result of results) assert.deepEqual(result, { committed: rounds, failures: [] });
    const check = openStore({ dataDir, databaseUrl: undefined });
    const { n } = await check.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await check.destroy();
    assert.equal(Number(n), 2 * rounds);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
