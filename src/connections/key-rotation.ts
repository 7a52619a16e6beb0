// `keys rotate`: every sealed secret (src/store/sealed-columns.ts) opened under the old master key
// and sealed again under the new one, with the check value rewritten, in one transaction. The old
// key is proven against the store first; any secret that does not open under it refuses the whole
// rotation, so a store is never left half under one key and half under another.
import { randomBytes } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Store } from '../store/database.js';
import { writeKeyCheckValue } from '../store/master-key-check.js';
import { readSealedValues, replaceSealedValue, SEALED_COLUMNS } from '../store/sealed-columns.js';
import { createKeyCipher, type KeyCipher } from './key-cipher.js';
import { judgeKey, sealCheckValue } from './master-key-check.js';
import {
  configuredMasterKey,
  createMasterKeyFile,
  MASTER_KEY_BYTES,
  MASTER_KEY_VARIABLE,
  masterKeyFile,
  readMasterKeyFile,
  replaceMasterKeyFile,
} from './master-key.js';

function wrongOldKey(oldKeyName: string): Error {
  return new Error(`${oldKeyName} is not the master key that sealed this store; nothing was changed. Give the key that sealed it with --old-key-file FILE.`);
}

export interface ResealedCount {
  /** e.g. "connection API keys". */
  label: string;
  count: number;
}

/** The store part alone: re-seals everything from `oldCipher` to `newCipher` in one transaction. */
export async function resealStore(db: Store, oldCipher: KeyCipher, newCipher: KeyCipher, oldKeyName: string, nowMs = Date.now()): Promise<ResealedCount[]> {
  return db.transaction().execute(async (tx) => {
    if ((await judgeKey(tx, oldCipher)) !== 'matches') {
      throw wrongOldKey(oldKeyName);
    }
    // On SQLite this first write takes the store's write lock before the sealed rows are read, so
    // no other writer can change one until the commit; on PostgreSQL each re-seal below replaces
    // only the value it read, and a row changed meanwhile aborts the whole rotation.
    await writeKeyCheckValue(tx, sealCheckValue(newCipher), new Date(nowMs).toISOString());
    const counts: ResealedCount[] = [];
    const unopenable: string[] = [];
    for (const column of SEALED_COLUMNS) {
      let count = 0;
      for (const value of await readSealedValues(tx, column)) {
        let plaintext: string;
        try {
          plaintext = oldCipher.open(value.sealed, value.boundTo);
        } catch {
          unopenable.push(`${column.table} ${value.boundTo}`);
          continue;
        }
        if (!(await replaceSealedValue(tx, column, value, newCipher.seal(plaintext, value.boundTo)))) {
          throw new Error(`${column.table} ${value.boundTo} changed during the rotation (is a server still running?); nothing was changed.`);
        }
        count += 1;
      }
      counts.push({ label: column.label, count });
    }
    if (unopenable.length > 0) {
      // Ids only: they name rows, never secrets.
      throw new Error(
        `${unopenable.length} sealed secret(s) do not open under ${oldKeyName} (damaged, or sealed under another key): ${unopenable.join(', ')}. Nothing was changed; remove those connections or subscriptions, or rotate with the key that sealed them.`,
      );
    }
    return counts;
  });
}

export interface RotateOptions {
  db: Store;
  /** STRIPE_CONNECTOR_MASTER_KEY, undefined when unset. */
  masterKey: string | undefined;
  dataDir: string;
  /** The old key's file; default the configured key (the variable, else DATA_DIR/master.key). */
  oldKeyFile?: string;
  /** The new key's file: read, or with `generate` created (mode 0600, never overwritten). */
  newKeyFile: string;
  generate: boolean;
  nowMs?: number;
}

export interface RotationReport {
  counts: ResealedCount[];
  newKeyFile: string;
  /** Set when DATA_DIR/master.key was the old key: it now holds the new one, the old kept beside it. */
  replaced?: { file: string; oldKeptIn: string };
}

export async function rotateMasterKey(options: RotateOptions): Promise<RotationReport> {
  const defaultFile = masterKeyFile(options.dataDir);
  const oldKeyFile = options.oldKeyFile === undefined ? undefined : resolve(options.oldKeyFile);
  const newKeyFile = resolve(options.newKeyFile);
  const oldKeyName = oldKeyFile ?? (options.masterKey !== undefined ? MASTER_KEY_VARIABLE : defaultFile);
  const oldKey = oldKeyFile ? readMasterKeyFile(oldKeyFile) : configuredMasterKey(options);
  if (!oldKey) {
    throw new Error(`No old master key: ${MASTER_KEY_VARIABLE} is unset and ${defaultFile} does not exist. Give the key that sealed this store with --old-key-file FILE.`);
  }
  // The file the servers read is replaced only when it was the old key's source.
  const replacesDefault = options.masterKey === undefined && (oldKeyFile === undefined || oldKeyFile === defaultFile);
  const oldKeptIn = `${defaultFile}.old`;
  if (replacesDefault && existsSync(oldKeptIn)) {
    throw new Error(`${oldKeptIn} exists already (a key kept from an earlier rotation?); move it somewhere safe first. Nothing was changed.`);
  }
  if (options.generate && existsSync(newKeyFile)) throw new Error(`${newKeyFile} exists already; --generate never overwrites a key file. Nothing was changed.`);
  const newKey = options.generate ? randomBytes(MASTER_KEY_BYTES) : readMasterKeyFile(newKeyFile);
  if (newKey.equals(oldKey)) throw new Error(`The new key in ${newKeyFile} is the old key; nothing was changed.`);

  const oldCipher = createKeyCipher(oldKey);
  // Proven before the new key's file is written, so a wrong old key leaves no file behind either.
  if ((await judgeKey(options.db, oldCipher)) !== 'matches') {
    throw wrongOldKey(oldKeyName);
  }
  // Written before the store changes: once the store is under the new key, the key is on disk.
  if (options.generate && !createMasterKeyFile(newKeyFile, newKey)) {
    throw new Error(`${newKeyFile} exists already; --generate never overwrites a key file. Nothing was changed.`);
  }
  let counts: ResealedCount[];
  try {
    counts = await resealStore(options.db, oldCipher, createKeyCipher(newKey), oldKeyName, options.nowMs);
  } catch (error) {
    if (options.generate) unlinkSync(newKeyFile);
    throw error;
  }
  if (!replacesDefault) return { counts, newKeyFile };
  // The old key kept (0600) before the file the servers read is replaced by the new one.
  if (!createMasterKeyFile(oldKeptIn, oldKey)) {
    throw new Error(`The store is now sealed under the key in ${newKeyFile}, but ${oldKeptIn} appeared meanwhile, so ${defaultFile} was left holding the old key: replace it with ${newKeyFile} by hand.`);
  }
  replaceMasterKeyFile(defaultFile, newKey);
  return { counts, newKeyFile, replaced: { file: defaultFile, oldKeptIn } };
}
