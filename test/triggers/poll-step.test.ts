// The poll step on a real SQLite file. Until the emulator is merged, the trigger polled here is a
// test trigger whose list answers from an in-memory account with Stripe's list rules (newest first,
// created[gte], starting_after, limit); the chargeAdded-against-the-emulator version follows it.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { openTestStore, type TestStore, clearTriggerState, insertSubscription } from '../delivery/store-fixture.js';
import type Stripe from 'stripe';
import { defineTrigger } from '../../src/connector/define.js';
import type { OutboxDatabase, SubscriptionRow } from '../../src/delivery/outbox-tables.js';
import { pollStep } from '../../src/triggers/poll-step.js';

interface Thing {
  id: string;
  created: number;
}

/** An account's objects in creation order; `visible` is what its list endpoint shows right now. */
const account = { visible: [] as Thing[], listCalls: 0, failMapFor: undefined as string | undefined };

/**
 * When set, list calls wait until `pollers` of them have arrived: every poller has read the cursor
 * before any of them can save it, so they really race (on PostgreSQL's pool a second step could
 * otherwise start only after the first has committed).
 */
let rendezvous: { pollers: number; arrived: number; open: Promise<void>; release: () => void } | undefined;
function meetAt(pollers: number): void {
  let release = () => {};
  const open = new Promise<void>((resolve) => (release = resolve));
  rendezvous = { pollers, arrived: 0, open, release };
}

const thingAdded = defineTrigger({
  name: 'thingAdded',
  title: 'When a thing is added',
  description: 'Test trigger over an in-memory account.',
  output: Type.Object({ id: Type.String(), created: Type.Integer() }),
  objectType: 'thing',
  eventTypes: ['thing.created'],
  async listPage(_stripe, { createdGte, startingAfter, limit }) {
    account.listCalls += 1;
    if (rendezvous) {
      rendezvous.arrived += 1;
      if (rendezvous.arrived >= rendezvous.pollers) rendezvous.release();
      await rendezvous.open;
    }
    const newestFirst = account.visible
      .map((thing, order) => ({ thing, order }))
      .filter(({ thing }) => thing.created >= createdGte)
      .sort((a, b) => b.thing.created - a.thing.created || b.order - a.order)
      .map(({ thing }) => thing);
    const start = startingAfter === undefined ? 0 : newestFirst.findIndex((t) => t.id === startingAfter) + 1;
    return { data: newestFirst.slice(start, start + limit), has_more: start + limit < newestFirst.length };
  },
  createdOf: (thing: Thing) => thing.created,
  map(thing: Thing) {
    if (thing.id === account.failMapFor) throw new Error('crash while storing');
    return { id: thing.id, created: thing.created };
  },
});

const T0 = 1_795_000_000;
const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

describe('the poll step', () => {
  let store: TestStore;
  let db: Kysely<OutboxDatabase>;
  let subCount = 0;
  const noStripe = {} as Stripe;

  const step = (nowSeconds = T0 + 1_000) =>
    pollStep({ db, stripe: noStripe, trigger: thingAdded, connectionId: 'conn_1', nowMs: nowSeconds * 1000 });

  async function subscribe(sinceSeconds: number, overrides: Partial<SubscriptionRow> = {}): Promise<string> {
    subCount += 1;
    return insertSubscription(db, `sub_${subCount}`, 'thingAdded', sinceSeconds, overrides);
  }

  const deliveredTo = async (subscriptionId: string) =>
    (
      await db
        .selectFrom('deliveries')
        .select('stripe_object_id')
        .where('subscription_id', '=', subscriptionId)
        .orderBy('object_created')
        .execute()
    ).map((d) => d.stripe_object_id);

  before(async () => {
    store = await openTestStore();
    db = store.db;
  });

  after(async () => {
    await store.close();
  });

  beforeEach(async () => {
    await clearTriggerState(db);
    account.visible = [];
    account.listCalls = 0;
    account.failMapFor = undefined;
    rendezvous = undefined;
  });

  test('with no subscription to the trigger, nothing is listed', async () => {
    const result = await step();
    assert.equal(result.subscriptions, 0);
    assert.equal(account.listCalls, 0);
  });

  test('new objects are enqueued once; polling again finds nothing new', async () => {
    const sub = await subscribe(T0);
    account.visible = [{ id: 'a', created: T0 }, { id: 'b', created: T0 + 5 }];
    const first = await step();
    const second = await step();
    assert.deepEqual([first.fresh, first.enqueued, first.committed], [2, 2, true]);
    assert.deepEqual([second.fresh, second.enqueued], [0, 0]);
    assert.deepEqual(await deliveredTo(sub), ['a', 'b']);
  });

  test('500 objects created within one second are each enqueued exactly once, over as many pages as it takes', async () => {
    const sub = await subscribe(T0);
    account.visible = Array.from({ length: 500 }, (_, i) => ({ id: `ch_${i}`, created: T0 + 10 }));
    const result = await step();
    assert.equal(result.enqueued, 500);
    assert.equal(account.listCalls, 5, '100 per page, no cap per poll');
    assert.equal((await deliveredTo(sub)).length, 500);
    assert.equal((await step()).enqueued, 0);
  });

  test('an object that shows up in the list late, with an older created, is still enqueued', async () => {
    const sub = await subscribe(T0);
    account.visible = [{ id: 'a', created: T0 + 10 }, { id: 'c', created: T0 + 30 }];
    await step();
    account.visible.push({ id: 'b', created: T0 + 20 });
    const later = await step();
    assert.equal(later.enqueued, 1);
    assert.deepEqual(await deliveredTo(sub), ['a', 'b', 'c']);
  });

  test('a crash while storing a poll keeps neither cursor nor events, and the next poll delivers everything once', async () => {
    const sub = await subscribe(T0);
    account.visible = [{ id: 'a', created: T0 + 1 }, { id: 'b', created: T0 + 2 }, { id: 'c', created: T0 + 3 }];
    account.failMapFor = 'c';
    await assert.rejects(step(), /crash while storing/);
    assert.deepEqual(await deliveredTo(sub), []);
    assert.equal((await db.selectFrom('poll_cursors').selectAll().execute()).length, 0);
    account.failMapFor = undefined;
    assert.equal((await step()).enqueued, 3);
    assert.deepEqual(await deliveredTo(sub), ['a', 'b', 'c']);
  });

  test('subscriptions share one poll, and each gets only objects created since its own start', async () => {
    const early = await subscribe(T0);
    const late = await subscribe(T0 + 20);
    account.visible = [{ id: 'a', created: T0 + 10 }, { id: 'b', created: T0 + 30 }];
    const result = await step();
    assert.equal(result.subscriptions, 2);
    assert.equal(account.listCalls, 1);
    assert.deepEqual(await deliveredTo(early), ['a', 'b']);
    assert.deepEqual(await deliveredTo(late), ['b']);
  });

  test('a new subscription backfilling from before the cursor gets the old objects, and the others get no repeats', async () => {
    const first = await subscribe(T0 + 100);
    account.visible = [{ id: 'old', created: T0 + 10 }, { id: 'new', created: T0 + 200 }];
    await step();
    assert.deepEqual(await deliveredTo(first), ['new']);
    const backfill = await subscribe(T0);
    const result = await step();
    assert.equal(result.enqueued, 2);
    assert.deepEqual(await deliveredTo(backfill), ['old', 'new']);
    assert.deepEqual(await deliveredTo(first), ['new']);
  });

  test('two pollers racing on one cursor: one commits, the other keeps nothing, and nothing is doubled', async () => {
    const sub = await subscribe(T0);
    account.visible = [{ id: 'a', created: T0 + 1 }, { id: 'b', created: T0 + 2 }];
    meetAt(2);
    const first = await Promise.all([step(), step()]);
    assert.deepEqual(first.map((r) => r.committed).sort(), [false, true], 'racing to create the cursor');
    assert.deepEqual(await deliveredTo(sub), ['a', 'b']);

    account.visible.push({ id: 'c', created: T0 + 3 });
    meetAt(2);
    const second = await Promise.all([step(), step()]);
    assert.deepEqual(second.map((r) => r.committed).sort(), [false, true], 'racing to advance it');
    assert.deepEqual(await deliveredTo(sub), ['a', 'b', 'c']);
  });

  test('webhook-mode subscriptions are not served by the poll, and paused ones alone keep no poll running', async () => {
    await subscribe(T0, { status: 'paused' });
    await subscribe(T0, { mode: 'webhook' });
    account.visible = [{ id: 'a', created: T0 + 1 }];
    assert.equal((await step()).subscriptions, 0);
    assert.equal(account.listCalls, 0);
  });

  test('a paused subscription sharing the poll with an active one still gets its events, held for when it resumes', async () => {
    const active = await subscribe(T0);
    const paused = await subscribe(T0, { status: 'paused' });
    account.visible = [{ id: 'a', created: T0 + 1 }];
    await step();
    assert.deepEqual(await deliveredTo(active), ['a']);
    assert.deepEqual(await deliveredTo(paused), ['a']);
  });

  test('the cursor is due again after the shortest poll interval of its subscriptions', async () => {
    await subscribe(T0, { poll_interval_seconds: 120 });
    await subscribe(T0, { poll_interval_seconds: 5 });
    await step(T0 + 1_000);
    const cursor = await db.selectFrom('poll_cursors').selectAll().executeTakeFirstOrThrow();
    assert.equal(cursor.next_poll_at, iso(T0 + 1_005));
  });
});
