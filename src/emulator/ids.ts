// Object ids in Stripe's form: a type prefix, an underscore, then random base62 characters.
import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Stripe's ids carry 14 to 24 characters after the prefix; 24 keeps collisions out of reach at millions of objects. */
const ID_LENGTH = 24;
// One large random buffer consumed in slices: one crypto call per 4 KiB instead of one per id,
// which matters at thousands of creates per second.
const POOL_BYTES = 4096;
let pool = randomBytes(POOL_BYTES);
let poolOffset = 0;

function randomChars(length: number): string {
  if (poolOffset + length > POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[pool[poolOffset + i]! % 62];
  poolOffset += length;
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomChars(ID_LENGTH)}`;
}

/** Request ids are shorter in Stripe (req_ + 14). */
export function newRequestId(): string {
  return `req_${randomChars(14)}`;
}
