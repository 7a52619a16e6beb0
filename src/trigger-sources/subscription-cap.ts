// The cap on subscriptions per connection (SUBSCRIPTIONS_PER_CONNECTION). Each subscription costs
// a poll of Stripe every interval (poll mode) and a delivery per event, all on the connection's one
// Stripe rate (25 requests/s in test mode): without a cap one connection could be made to poll
// Stripe, and post to subscribers, without bound. The count and the insert are one transaction
// that first locks the connection's row (src/store/subscriptions.ts), so two creations racing for
// the last place serialise: the second sees the first's row and is refused.
import { ConnectorError } from '../errors.js';
import type { Store } from '../store/database.js';
import type { SubscriptionRow } from '../store/schema.js';
import { countSubscriptionsOfConnection, insertSubscriptionUnlessFull } from '../store/subscriptions.js';

/** Subscriptions one connection may have, paused ones included, when SUBSCRIPTIONS_PER_CONNECTION is unset. */
export const DEFAULT_SUBSCRIPTIONS_PER_CONNECTION = 50;

export function tooManySubscriptions(max: number): ConnectorError {
  return new ConnectorError(
    409,
    'conflict',
    `This connection has ${max} subscriptions, the most allowed (SUBSCRIPTIONS_PER_CONNECTION=${max}): ` +
      'delete one first, or ask the operator to raise SUBSCRIPTIONS_PER_CONNECTION',
    { limit: max, setting: 'SUBSCRIPTIONS_PER_CONNECTION' },
  );
}

/** A 409 when the connection is full already: spares the Stripe call of a creation that cannot succeed. */
export async function assertRoomForSubscription(db: Store, connectionId: string, max: number): Promise<void> {
  if ((await countSubscriptionsOfConnection(db, connectionId)) >= max) throw tooManySubscriptions(max);
}

/** Inserts the subscription unless its connection has `max` already (then a 409, nothing written). */
export async function insertSubscriptionWithinCap(db: Store, row: SubscriptionRow, max: number): Promise<void> {
  if (!(await insertSubscriptionUnlessFull(db, row, max))) throw tooManySubscriptions(max);
}
