// The master key that seals API keys and secrets: STRIPE_CONNECTOR_MASTER_KEY (32 bytes, base64), or
// DATA_DIR/master.key (mode 0600, owner read/write only). The key is accepted only when the store
// proves it is the one that sealed its secrets (master-key-check.ts); the file is generated only
// for a store that holds nothing sealed, so a lost key file is never silently replaced by a new
// key that opens nothing.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/database.js';
import { createLogger } from '../log.js';
import { ensurePrivateDir, tightenMode, PRIVATE_FILE_MODE, type ModeWarnings } from '../store/private-files.js';
import { createKeyCipher, type KeyCipher } from './key-cipher.js';
import { storeIsSealed, verifyMasterKey } from './master-key-check.js';

export const MASTER_KEY_VARIABLE = 'STRIPE_CONNECTOR_MASTER_KEY';

export const MASTER_KEY_BYTES = 32;

export interface MasterKeyOptions {
  /** STRIPE_CONNECTOR_MASTER_KEY, undefined when unset. */
  masterKey: string | undefined;
  dataDir: string;
  /** Where a DATA_DIR or master.key open to other users is reported. Default: JSON lines on stderr. */
  warnings?: ModeWarnings;
}

export function masterKeyFile(dataDir: string): string {
  return join(dataDir, 'master.key');
}

export function decodeMasterKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== MASTER_KEY_BYTES) throw new Error(`${source} must be ${MASTER_KEY_BYTES} bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

export function encodeMasterKey(key: Buffer): string {
  return key.toString('base64') + '\n';
}

export function readMasterKeyFile(file: string): Buffer {
  return decodeMasterKey(readFileSync(file, 'utf8'), file);
}

/**
 * Writes `key` to `file` (mode 0600) only if no file is there, atomically: it is written whole
 * under a temporary name, then linked into place, so a reader never sees a half-written key and
 * of two writers at once exactly one wins. Returns whether this call created the file.
 */
export function createMasterKeyFile(file: string, key: Buffer): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, encodeMasterKey(key), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** Puts `key` in `file` (mode 0600) whether or not one is there: written whole, then renamed over it. */
export function replaceMasterKeyFile(file: string, key: Buffer): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, encodeMasterKey(key), { mode: 0o600, flag: 'wx' });
  try {
    renameSync(temporary, file);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

/** The key STRIPE_CONNECTOR_MASTER_KEY sets, checked for length; undefined when it is unset. */
export function masterKeyFromEnvironment(options: MasterKeyOptions): Buffer | undefined {
  return options.masterKey === undefined ? undefined : decodeMasterKey(options.masterKey, MASTER_KEY_VARIABLE);
}

/** The configured key without any store check: the variable, else the file (undefined when missing). */
export function configuredMasterKey(options: MasterKeyOptions): Buffer | undefined {
  const fromEnvironment = masterKeyFromEnvironment(options);
  if (fromEnvironment) return fromEnvironment;
  const file = masterKeyFile(options.dataDir);
  return existsSync(file) ? readMasterKeyFile(file) : undefined;
}

/** The start's refusal: names both places a key comes from and what the operator can do. */
export function masterKeyRefusal(problem: string, options: MasterKeyOptions): Error {
  const file = masterKeyFile(options.dataDir);
  return new Error(
    `${problem} Refusing to start: secrets sealed under another key cannot be opened, and new ones would be sealed under a key the others do not share. ` +
      `Restore the master key that sealed this store: set ${MASTER_KEY_VARIABLE} to it, or leave ${MASTER_KEY_VARIABLE} unset and put it in ${file} (DATA_DIR/master.key). ` +
      'To move the store to a new key, run `stripe-connector keys rotate` with the old key (see docs/operations.md, "Master key").',
  );
}

/**
 * The start's master key, proven against the store (already migrated): the variable, else
 * DATA_DIR/master.key, generated there only when the store holds no check value and nothing sealed.
 * Throws masterKeyRefusal's error when the key is missing or is not the one that sealed the store.
 */
export async function unlockStore(db: Store, options: MasterKeyOptions): Promise<KeyCipher> {
  const file = masterKeyFile(options.dataDir);
  const warnings = options.warnings ?? createLogger({ destination: process.stderr });
  if (options.masterKey === undefined) {
    ensurePrivateDir(options.dataDir, warnings);
    tightenMode(file, PRIVATE_FILE_MODE, warnings);
  }
  let key = configuredMasterKey(options);
  if (!key) {
    if (await storeIsSealed(db)) {
      throw masterKeyRefusal(
        `${MASTER_KEY_VARIABLE} is unset and ${file} does not exist, but this store holds secrets sealed under a master key, so no new key was generated.`,
        options,
      );
    }
    // Another process starting at once may have won: then its key is the one read back.
    createMasterKeyFile(file, randomBytes(MASTER_KEY_BYTES));
    key = readMasterKeyFile(file);
  }
  const cipher = createKeyCipher(key);
  if ((await verifyMasterKey(db, cipher)) !== 'matches') {
    const used = options.masterKey !== undefined ? `${MASTER_KEY_VARIABLE} is` : `The master key in ${file} (${MASTER_KEY_VARIABLE} is unset) is`;
    throw masterKeyRefusal(`${used} not the master key that sealed this store's secrets.`, options);
  }
  return cipher;
}
