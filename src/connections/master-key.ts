// The master key that seals API keys: STRIPE_CONNECTOR_MASTER_KEY (32 bytes, base64), or
// DATA_DIR/master.key, generated on first start with mode 0600 (owner read/write only).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function masterKeyFile(dataDir: string): string {
  return join(dataDir, 'master.key');
}

function decode(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${source} must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

export function loadMasterKey(options: { masterKey: string | undefined; dataDir: string }): Buffer {
  if (options.masterKey !== undefined) return decode(options.masterKey, 'STRIPE_CONNECTOR_MASTER_KEY');
  const file = masterKeyFile(options.dataDir);
  mkdirSync(options.dataDir, { recursive: true });
  try {
    // 'wx' fails if the file exists, so two processes starting at once cannot overwrite each other's key.
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return decode(readFileSync(file, 'utf8'), file);
}
