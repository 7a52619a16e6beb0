// Stripe-style prefixed ids ("conn_…"): 96 random bits, so ids are unguessable as well as unique.
import { randomBytes } from 'node:crypto';

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}
