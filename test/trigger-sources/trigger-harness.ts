// One fixture for the trigger tests that drive the poll and ingest code directly: the emulator on
// port 0 with its clock frozen at T0 (so "within one second" is exact) and no rate limit (so 500
// creates in one emulated second are allowed), a store (a real SQLite file in a temp dir, or a fresh
// PostgreSQL database when TEST_DATABASE_URL is set — see store-fixture.ts) holding usr_1 and
// conn_1, the connector's own Stripe client for a fresh emulator account, a recording subscriber,
// and cleanup. reset() between tests: no subscriptions, cursors or events, a new account, T0.
import type { Store } from '../../src/store/database.js';
import type Stripe from 'stripe';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import type { SubscriptionRow } from '../../src/store/schema.js';
import { clearTriggerState, insertSubscription, openTestStore, type TestStore } from '../support/store-fixture.js';
import { startSubscriber, type Subscriber } from '../support/recording-subscriber.js';

/** 2026-11-18T11:06:40Z: the emulated "now" every test starts from. */
export const T0 = 1_795_000_000;

export interface DeliveredRow {
  id: string;
  data: Record<string, unknown>;
}

export interface TriggerHarness {
  emulator: RunningEmulator;
  store: TestStore;
  db: Store;
  subscriber: Subscriber;
  /** The current emulator account's key and the connector's Stripe client for it (new after reset()). */
  apiKey: string;
  stripe: Stripe;
  /** POST a form to the emulator's control API (/_emulator/…) as the current account; must answer 200. */
  control(path: string, form: string): Promise<Record<string, unknown>>;
  setClock(unixSeconds: number): void;
  /** A subscription of usr_1 on conn_1 (store-fixture's insertSubscription), since T0 unless overridden. */
  subscribe(id: string, trigger: string, overrides?: Partial<SubscriptionRow>): Promise<string>;
  /** The subscription's outbox: object ids and event data, oldest object first. */
  deliveredTo(subscriptionId: string): Promise<DeliveredRow[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

let accountCounter = 0;

export async function startTriggerHarness(options: { emulator?: EmulatorOptions } = {}): Promise<TriggerHarness> {
  const emulator = await startEmulator({ port: 0, rateLimitPerSecond: false, clock: { startMs: T0 * 1000, frozen: true }, ...options.emulator });
  const store = await openTestStore();
  const subscriber = await startSubscriber();
  const db = store.db;

  const harness: TriggerHarness = {
    emulator,
    store,
    db,
    subscriber,
    apiKey: '',
    stripe: undefined as unknown as Stripe,
    async control(path, form) {
      const response = await fetch(`${emulator.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${harness.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`POST ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    },
    setClock(unixSeconds) {
      emulator.clock.setMs(unixSeconds * 1000);
    },
    subscribe: (id, trigger, overrides = {}) => insertSubscription(db, id, trigger, T0, overrides),
    async deliveredTo(subscriptionId) {
      const rows = await db
        .selectFrom('deliveries')
        .innerJoin('trigger_events', 'trigger_events.id', 'deliveries.event_id')
        .select(['deliveries.stripe_object_id', 'trigger_events.data'])
        .where('deliveries.subscription_id', '=', subscriptionId)
        .orderBy('deliveries.object_created')
        .execute();
      return rows.map((row) => ({ id: row.stripe_object_id, data: JSON.parse(row.data) as Record<string, unknown> }));
    },
    async reset() {
      await clearTriggerState(db);
      harness.apiKey = `sk_test_trig${process.pid}x${++accountCounter}`;
      harness.stripe = createStripeClient({ apiKey: harness.apiKey, apiBase: emulator.url, requestsPerSecond: false });
      harness.setClock(T0);
    },
    async close() {
      await subscriber.close();
      await store.close();
      await emulator.stop();
    },
  };
  await harness.reset();
  return harness;
}
