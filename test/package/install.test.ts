// A clean `npm install` on the oldest Node the README promises prints no engine warning: every
// package the lockfile pins must accept this Node. npm itself judges, from the committed
// package.json and package-lock.json in a scratch directory (a dry run: nothing is fetched or built).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../..');

test('the locked dependencies install on this Node without an EBADENGINE warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc-install-'));
  try {
    for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, file), join(dir, file));
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { stdout, stderr } = await promisify(execFile)(npm, ['ci', '--dry-run', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: dir, timeout: 120_000 });
    const output = `${stdout}\n${stderr}`;
    assert.doesNotMatch(output, /EBADENGINE/, output.split('\n').filter((line) => /EBADENGINE|package:|required:/.test(line)).join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
