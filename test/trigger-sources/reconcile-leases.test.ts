// Hybrid mode's reconciler across processes sharing one store: two EventReconciler instances, each
// with a lease holder of its own (as two `serve` processes have), against the emulator and one
// store (SQLite, and PostgreSQL in the runner's second pass). A connection is reconciled by one of
// them at a time, and once per interval between them.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type Stripe from 'stripe';
import { Leases } from '../../src/background/leases.js';
import { EventReconciler } from '../../src/trigger-sources/reconcile.js';
import { startTriggerHarness, T0, type TriggerHarness } from './trigger-harness.js';

describe('the reconciler across processes', () => {
  let h: TriggerHarness;

  before(async () => {
    h = await startTriggerHarness();
  });
  after(() => h?.close());

  test('while one process reconciles a connection, another skips it, and neither reconciles it again before the interval', async () => {
    await h.subscribe('sub_h', 'customerAdded', { mode: 'hybrid' });
    await h.stripe.customers.create({ email: 'missed@example.com' });

    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let aInside!: () => void;
    const aStarted = new Promise<void>((resolve) => (aInside = resolve));
    // A is held inside its reconciliation, after it took the lease, before it asks Stripe.
    const a = new EventReconciler({
      db: h.db,
      nowMs: () => T0 * 1000,
      stripeFor: async (): Promise<Stripe> => {
        aInside();
        await held;
        return h.stripe;
      },
      leases: new Leases({ db: h.db }),
    });
    let bAskedStripe = 0;
    const b = new EventReconciler({
      db: h.db,
      nowMs: () => T0 * 1000,
      stripeFor: async () => {
        bAskedStripe += 1;
        return h.stripe;
      },
      leases: new Leases({ db: h.db }),
    });

    const aRun = a.runDue();
    await aStarted;
    assert.equal(await b.runDue(), 1, 'due for B as well');
    assert.equal(bAskedStripe, 0, 'but B left it to A');
    release();
    await aRun;
    assert.equal(await b.runDue(), 0, 'A moved the cursor on: not due again for 300 s');
    await b.runDue();
    assert.equal(bAskedStripe, 0);
    const rows = await h.db.selectFrom('deliveries').select('stripe_object_id').execute();
    assert.equal(rows.length, 1, 'the missed customer is enqueued once');
  });
});
