// Whether a master key is the one that sealed the store's secrets. The proof is the check value
// kept in the store: a fixed marker sealed under the key and bound to a fixed purpose string, so
// it opens under that key only (AES-GCM's tag fails for any other) and cannot stand in for a
// sealed row or be replaced by one. Stores sealed before the check value existed are proven by
// their own sealed rows instead, and get the check value then.
import type { Store } from '../store/database.js';
import { insertKeyCheckValueIfAbsent, readKeyCheckValue } from '../store/master-key-check.js';
import { anySealedValue, readSealedValues, SEALED_COLUMNS } from '../store/sealed-columns.js';
import type { KeyCipher } from './key-cipher.js';

const PURPOSE = 'stripe-connector master key check';
const MARKER = 'this store is sealed under this master key (v1)';

/** Sealed rows tried per column when the store has no check value yet: a damaged one alone does not refuse the right key. */
const SAMPLE_PER_COLUMN = 3;

export type KeyVerdict =
  /** The key opens the store's check value (written now if the store had none). */
  | 'matches'
  /** The store's check value does not open under the key. */
  | 'check_value_differs'
  /** No check value, and none of the store's sealed rows tried opens under the key. */
  | 'sealed_rows_differ';

export function sealCheckValue(cipher: KeyCipher): string {
  return cipher.seal(MARKER, PURPOSE);
}

export function opensCheckValue(cipher: KeyCipher, checkValue: string): boolean {
  try {
    return cipher.open(checkValue, PURPOSE) === MARKER;
  } catch {
    return false;
  }
}

/** Whether the store holds a check value or any sealed secret: a store a new key would not open. */
export async function storeIsSealed(db: Store): Promise<boolean> {
  return (await readKeyCheckValue(db)) !== undefined || (await anySealedValue(db));
}

/** Checks the key against the check value, or, where there is none, against a few sealed rows. */
export async function judgeKey(db: Store, cipher: KeyCipher): Promise<KeyVerdict> {
  const checkValue = await readKeyCheckValue(db);
  if (checkValue !== undefined) return opensCheckValue(cipher, checkValue) ? 'matches' : 'check_value_differs';
  let sampled = 0;
  for (const column of SEALED_COLUMNS) {
    for (const value of await readSealedValues(db, column, SAMPLE_PER_COLUMN)) {
      sampled += 1;
      try {
        cipher.open(value.sealed, value.boundTo);
        return 'matches';
      } catch {
        // Sealed under another key, or damaged: try the next.
      }
    }
  }
  return sampled === 0 ? 'matches' : 'sealed_rows_differ';
}

/**
 * The start's check: judges the key and, when it matches and the store has no check value yet,
 * writes one. The write is insert-if-absent then re-read, so of two processes starting at once on
 * an empty store with different keys, the second is refused.
 */
export async function verifyMasterKey(db: Store, cipher: KeyCipher, nowMs = Date.now()): Promise<KeyVerdict> {
  const verdict = await judgeKey(db, cipher);
  if (verdict !== 'matches') return verdict;
  const stored = await insertKeyCheckValueIfAbsent(db, sealCheckValue(cipher), new Date(nowMs).toISOString());
  return opensCheckValue(cipher, stored) ? 'matches' : 'check_value_differs';
}
