// The Idempotency-Key sent to Stripe with an action's writes. A client's own key is scoped to the
// connection and operation by hashing, so the same client retry reaches Stripe with the same key
// (no second customer), while two connections or operations can never collide on one key.
import { createHash, randomUUID } from 'node:crypto';
import { invalidInput } from '../errors.js';

// Stripe accepts idempotency keys of up to 255 characters; ours is 67, the client's is bounded
// the same as Stripe's so a key that works against Stripe directly works here.
export const MAX_CLIENT_KEY_LENGTH = 255;

export function deriveIdempotencyKey(connectionId: string, operation: string, clientKey: string | undefined): string {
  if (clientKey === undefined) return `sc_${randomUUID()}`;
  if (clientKey.length === 0 || clientKey.length > MAX_CLIENT_KEY_LENGTH) {
    throw invalidInput([{ field: 'Idempotency-Key', message: `must be 1 to ${MAX_CLIENT_KEY_LENGTH} characters` }]);
  }
  // NUL separators: no (connection, operation, key) triple can be spelled as another.
  const digest = createHash('sha256').update(`${connectionId}\0${operation}\0${clientKey}`).digest('hex');
  return `sc_${digest}`;
}
