// The master key that seals API keys: STRIPE_CONNECTOR_MASTER_KEY (32 bytes, base64), or
// DATA_DIR/master.key, generated on first start with mode 0600 (owner read/write only).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../log.js';
import { ensurePrivateDir, tightenMode, PRIVATE_FILE_MODE, type ModeWarnings } from '../store/private-files.js';

export function masterKeyFile(dataDir: string): string {
  return join(dataDir, 'master.key');
}

function decode(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${source} must be 32 bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

export function loadMasterKey(options: {
  masterKey: string | undefined;
  dataDir: string;
  /** Where a DATA_DIR or master.key open to other users is reported. Default: JSON lines on stderr. */
  warnings?: ModeWarnings;
}): Buffer {
  if (options.masterKey !== undefined) return decode(options.masterKey, 'STRIPE_CONNECTOR_MASTER_KEY');
  const warnings = options.warnings ?? createLogger({ destination: process.stderr });
  const file = masterKeyFile(options.dataDir);
  ensurePrivateDir(options.dataDir, warnings);
  try {
    // 'wx' fails if the file exists, so two processes starting at once cannot overwrite each other's key.
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    tightenMode(file, PRIVATE_FILE_MODE, warnings);
  }
  return decode(readFileSync(file, 'utf8'), file);
}
