// Deliveries written straight into a store, for the console's read tests: a user, connections and
// subscriptions as rows, then deliveries (each with its trigger event) at chosen times and statuses,
// without a poll or a worker. What the API then shows of them is what the tests check.
import type { Store } from '../../src/store/database.js';
import type { DeliveryStatus } from '../../src/store/schema.js';

export async function insertConnectionRow(db: Store, id: string, userId: string, createdAt = new Date().toISOString()): Promise<string> {
  await db
    .insertInto('connections')
    .values({ id, user_id: userId, name: id, mode: 'test', key_hint: 'sk_test_…0000', key_ciphertext: 'unused', api_base: 'https://api.stripe.com', api_version: null, rate_limit: null, key_check: 'verified', created_at: createdAt })
    .execute();
  return id;
}

export async function insertSubscriptionRow(db: Store, id: string, userId: string, connectionId: string, trigger: string, createdAt = new Date().toISOString()): Promise<string> {
  await db
    .insertInto('subscriptions')
    .values({ id, user_id: userId, connection_id: connectionId, trigger, url: 'http://127.0.0.1:9/hook', mode: 'poll', poll_interval_seconds: 120, secret_ciphertext: 'sealed', status: 'paused', since: createdAt, created_at: createdAt })
    .execute();
  return id;
}

export interface SeededDelivery {
  id: string;
  subscription: string;
  status: DeliveryStatus;
  createdAt: string;
}

let seq = 0;

/**
 * `count` deliveries of the subscription, the i-th created at `startMs + i * stepMs`, with
 * `status(i)`. Paused subscriptions (insertSubscriptionRow) keep a running worker off them.
 */
export async function seedDeliveries(
  db: Store,
  options: { subscriptionId: string; connectionId: string; trigger: string; count: number; startMs: number; stepMs: number; status?: (i: number) => DeliveryStatus },
): Promise<SeededDelivery[]> {
  const seeded: SeededDelivery[] = [];
  const rows = [];
  const events = [];
  for (let i = 0; i < options.count; i++) {
    const n = ++seq;
    const createdAt = new Date(options.startMs + i * options.stepMs).toISOString();
    const status = options.status?.(i) ?? 'delivered';
    const objectId = `obj_${String(n).padStart(8, '0')}`;
    const eventId = `evt_seed${String(n).padStart(8, '0')}`;
    // Fixed-width hex after the prefix, like newTimeOrderedId: ids sort as text.
    const id = `msg_${(options.startMs + i * options.stepMs).toString(16).padStart(12, '0')}${n.toString(16).padStart(16, '0')}`;
    events.push({ id: eventId, connection_id: options.connectionId, trigger: options.trigger, stripe_object_id: objectId, object_created: createdAt, data: '{}', created_at: createdAt });
    rows.push({
      id,
      subscription_id: options.subscriptionId,
      event_id: eventId,
      stripe_object_id: objectId,
      object_created: createdAt,
      status,
      attempts: status === 'pending' ? 0 : 1,
      next_attempt_at: createdAt,
      first_attempt_at: status === 'pending' ? null : createdAt,
      last_status_code: status === 'delivered' ? 204 : status === 'failed' ? 500 : null,
      delivered_at: status === 'delivered' ? createdAt : null,
      created_at: createdAt,
    });
    seeded.push({ id, subscription: options.subscriptionId, status, createdAt });
  }
  for (let i = 0; i < rows.length; i += 100) {
    await db.insertInto('trigger_events').values(events.slice(i, i + 100)).execute();
    await db.insertInto('deliveries').values(rows.slice(i, i + 100)).execute();
  }
  return seeded;
}
