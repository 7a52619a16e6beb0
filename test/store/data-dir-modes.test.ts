// DATA_DIR holds run history (customers' emails) and master.key: the connector keeps it to its own
// OS user, through the real start (composeServices) on a real SQLite file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config.js';
import { composeServices } from '../../src/app/services.js';
import { createLogger } from '../../src/log.js';
import { masterKeyFile } from '../../src/connections/master-key.js';
import { PRIVATE_FILE_MODE, tightenMode } from '../../src/store/private-files.js';
import { sqliteFile } from '../../src/store/database.js';
import { createUserWithToken } from '../../src/users/tokens.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

function capturingLogger() {
  const lines: { msg: string; path?: string; mode?: string; newMode?: string }[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

/** Starts on dataDir, writes a row, runs whileOpen (SQLite removes -wal and -shm on close), stops. */
async function startAndWrite(dataDir: string, logger: ReturnType<typeof createLogger>, whileOpen = () => {}): Promise<void> {
  const services = await composeServices(loadConfig({}, { dataDir }), { logger });
  try {
    await createUserWithToken(services.db, { name: 'someone' });
    whileOpen();
  } finally {
    await services.close();
  }
}

test('a new DATA_DIR is created 0700, and connector.db, its -wal and -shm and master.key 0600', { skip: process.platform === 'win32' }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'sc-modes-'));
  const dataDir = join(parent, 'data');
  const { logger, lines } = capturingLogger();
  try {
    await startAndWrite(dataDir, logger, () => {
      assert.equal(modeOf(dataDir), 0o700);
      for (const file of [sqliteFile(dataDir), `${sqliteFile(dataDir)}-wal`, `${sqliteFile(dataDir)}-shm`, masterKeyFile(dataDir)]) {
        assert.equal(modeOf(file), 0o600, file);
      }
    });
    assert.deepEqual(lines.filter((l) => l.path), [], 'nothing to warn about');
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

test('an existing DATA_DIR and files open to other users are tightened, each with a warning naming its path', { skip: process.platform === 'win32' }, async () => {
  const parent = mkdtempSync(join(tmpdir(), 'sc-modes-'));
  const dataDir = join(parent, 'data');
  try {
    await startAndWrite(dataDir, createLogger({ level: 'silent' }));
    const files = [sqliteFile(dataDir), `${sqliteFile(dataDir)}-wal`, `${sqliteFile(dataDir)}-shm`, masterKeyFile(dataDir)];
    // As an earlier version left them; -wal and -shm may be gone after a clean close, so make them.
    mkdirSync(dataDir, { recursive: true });
    chmodSync(dataDir, 0o755);
    for (const file of files) {
      if (file.endsWith('-wal') || file.endsWith('-shm')) writeFileSync(file, '', { flag: 'a' });
      chmodSync(file, 0o644);
    }

    const { logger, lines } = capturingLogger();
    await startAndWrite(dataDir, logger, () => {
      assert.equal(modeOf(dataDir), 0o700);
      for (const file of files) assert.equal(modeOf(file), 0o600, file);
    });
    const warned = lines.filter((l) => l.path).map((l) => [l.path, l.mode, l.newMode]);
    assert.deepEqual(
      warned.sort(),
      [[dataDir, '0755', '0700'], ...files.map((file) => [file, '0644', '0600'])].sort(),
    );
    for (const line of lines.filter((l) => l.path)) assert.ok(line.msg.includes(line.path as string), 'the message names the path');
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
});

// Only root can give a file to another user; as anyone else there is nothing to set up.
test('a loose file of another user is left as it is (chmod would be refused) and reported', { skip: process.getuid?.() !== 0 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-modes-'));
  try {
    writeFileSync(masterKeyFile(dataDir), 'not a key\n', { mode: 0o644 });
    chmodSync(masterKeyFile(dataDir), 0o644);
    chownSync(masterKeyFile(dataDir), 65534, 65534);
    const { logger, lines } = capturingLogger();
    tightenMode(masterKeyFile(dataDir), PRIVATE_FILE_MODE, logger);
    assert.equal(modeOf(masterKeyFile(dataDir)), 0o644);
    assert.equal(lines.length, 1);
    assert.match(lines[0]?.msg ?? '', /master\.key has mode 0644 .*belongs to another user, so it was left as it is/);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
