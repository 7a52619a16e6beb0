// Stripe-style prefixed ids ("conn_…"). Two kinds:
// - newId: 96 random bits, unguessable as well as unique.
// - newTimeOrderedId: the creation time (ms, 48 bits) then 64 random bits. For rows written in
//   bulk on the trigger path (trigger events, deliveries, attempts): a B-tree keyed by a random id
//   puts each new row on another page, so each commit writes a page per row to the WAL; ids that
//   grow with time append to the same few pages. Still unique (64 random bits per millisecond) and
//   not guessable in practice, but they tell when the row was made — never use them as secrets.
// The bits come from the CSPRNG 6 KiB at a time: one randomBytes call costs ~16 µs on this VM
// whatever its size (a system call), and the trigger path makes three ids per event
// (bench/triggers), so a pool turns ~48 µs per event into ~0.2 µs. Each pool byte is used once.
import { randomBytes } from 'node:crypto';

const POOL_BYTES = 6144;
let pool = Buffer.alloc(0);
let offset = 0;

function randomHex(bytes: number): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomHex(12)}`;
}

/** 12 hex digits of ms since the epoch: fixed width until the year 10889, so ids sort by time as text. */
export function newTimeOrderedId(prefix: string, nowMs: number = Date.now()): string {
  return `${prefix}_${Math.floor(nowMs).toString(16).padStart(12, '0')}${randomHex(8)}`;
}

/**
 * The least id newTimeOrderedId(prefix) can give at `ms` or later: every id made from then on
 * compares greater or equal as text (a range of a primary key reads them).
 */
export function timeOrderedIdAt(prefix: string, ms: number): string {
  return `${prefix}_${Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0')}`;
}

/** Whether `value` has the form newId(prefix) gives: the prefix, "_", 24 lowercase hex digits. */
export function isWellFormedId(prefix: string, value: string): boolean {
  return value.length === prefix.length + 25 && value.startsWith(`${prefix}_`) && /^[0-9a-f]{24}$/.test(value.slice(prefix.length + 1));
}
