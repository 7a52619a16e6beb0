// The poll step on a real SQLite file (or PostgreSQL with TEST_DATABASE_URL). The trigger polled
// here is a test trigger whose list answers from an in-memory account with Stripe's list rules
// (newest first, created[gte], created[lt], starting_after, limit), so a test can look at the store
// from inside a list call; the emulator versions are in triggers-emulator.test.ts.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import type { Store } from '../../src/store/database.js';
import { openTestStore, type TestStore, clearTriggerState, insertSubscription } from '../support/store-fixture.js';
import type Stripe from 'stripe';
import { defineTrigger } from '../../src/connector/define.js';
import type { SubscriptionRow } from '../../src/store/schema.js';
import { pollStep } from '../../src/trigger-sources/poll-step.js';

interface Thing {
  id: string;
  created: number;
}

/** An account's objects in creation order; `visible` is what its list endpoint shows right now. */
const account = {
  visible: [] as Thing[],
  listCalls: 0,
  failMapFor: undefined as string | undefined,
  /** Awaited at the start of every list call, e.g. to look at the store mid-poll. */
  onList: undefined as (() => Promise<void>) | undefined,
};

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
  async listPage(_stripe, { createdGte, createdLt, startingAfter, limit }) {
    account.listCalls += 1;
    await account.onList?.();
    if (rendezvous) {
      rendezvous.arrived += 1;
      if (rendezvous.arrived >= rendezvous.pollers) rendezvous.release();
      await rendezvous.open;
    }
    const newestFirst = account.visible
      .map((thing, order) => ({ thing, order }))
      .filter(({ thing }) => thing.created >= createdGte && (createdLt === undefined || thing.created < createdLt))
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
  let db: Store;
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

  after(() => store?.close());

  beforeEach(async () => {
    await clearTriggerState(db);
    account.visible = [];
    account.listCalls = 0;
    account.failMapFor = undefined;
    account.onList = undefined;
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

  describe('over a backlog', () => {
    /** 3,000 things, one a second from T0: 30 pages, polled an hour later. */
    const backlog = () => Array.from({ length: 3_000 }, (_, i) => ({ id: `th_${String(i).padStart(4, '0')}`, created: T0 + i }));
    const later = T0 + 3_600;
    const cursorState = async () =>
      JSON.parse((await db.selectFrom('poll_cursors').select('state').executeTakeFirstOrThrow()).state) as { settledBefore?: number };

    test('it is committed in several slices, so the first deliveries are stored and announced before the last list call', async () => {
      const sub = await subscribe(T0);
      account.visible = backlog();
      const announced: number[] = [];
      const seenAtCall: { stored: number; announced: number }[] = [];
      account.onList = async () => {
        const stored = (await db.selectFrom('deliveries').select('id').execute()).length;
        seenAtCall.push({ stored, announced: announced.length });
      };
      const result = await pollStep({
        db,
        stripe: noStripe,
        trigger: thingAdded,
        connectionId: 'conn_1',
        nowMs: later * 1000,
        onCommitted: (part) => announced.push(part.enqueued),
      });
      assert.ok(result.commits > 2, `${result.commits} commits`);
      assert.equal(announced.length, result.commits, 'each commit is announced');
      assert.equal(announced.reduce((a, b) => a + b, 0), 3_000);
      const last = seenAtCall.at(-1)!;
      assert.ok(last.stored > 0 && last.announced > 0, `at the last list call: ${JSON.stringify(last)}`);
      const cursor = await db.selectFrom('poll_cursors').select('version').executeTakeFirstOrThrow();
      assert.equal(cursor.version, result.commits, 'one cursor version per commit');
      assert.deepEqual(await deliveredTo(sub), backlog().map((t) => t.id));
      assert.equal(result.enqueued, 3_000);
    });

    test('a crash while storing a later slice keeps the slices before it, and the next poll delivers the rest once', async () => {
      const sub = await subscribe(T0);
      account.visible = backlog();
      account.failMapFor = 'th_2000';
      await assert.rejects(step(later), /crash while storing/);
      const kept = await deliveredTo(sub);
      assert.ok(kept.length > 0 && kept.length <= 2_000, `${kept.length} kept`);
      assert.deepEqual(kept, backlog().slice(0, kept.length).map((t) => t.id), 'an oldest-first prefix');
      assert.equal((await cursorState()).settledBefore, T0 + kept.length, 'the cursor stands at the last committed slice');
      account.failMapFor = undefined;
      const resumed = await step(later);
      assert.equal(resumed.enqueued, 3_000 - kept.length);
      assert.deepEqual(await deliveredTo(sub), backlog().map((t) => t.id));
    });

    test('two pollers racing over a backlog: one keeps it all, the other nothing, and nothing is doubled', async () => {
      const sub = await subscribe(T0);
      account.visible = backlog();
      meetAt(2);
      const results = await Promise.all([step(later), step(later)]);
      assert.deepEqual(results.map((r) => r.committed).sort(), [false, true]);
      assert.equal(results.reduce((sum, r) => sum + r.enqueued, 0), 3_000);
      assert.deepEqual(await deliveredTo(sub), backlog().map((t) => t.id));
    });

    test('a cursor saved before slicing existed (no settledBefore) drains a backlog in slices from where it stood', async () => {
      const sub = await subscribe(T0);
      account.visible = backlog();
      // Saved by the unsliced poller after it had emitted th_0000..th_0009 (T0 … T0 + 9).
      const seen = Object.fromEntries(backlog().slice(0, 10).map((t) => [t.id, t.created]));
      await db
        .insertInto('poll_cursors')
        .values({
          connection_id: 'conn_1',
          trigger: 'thingAdded',
          state: JSON.stringify({ since: T0, watermark: T0 + 9, lookbackSeconds: 90, seen }),
          version: 7,
          next_poll_at: iso(T0),
          updated_at: iso(T0),
        })
        .execute();
      const result = await step(later);
      assert.ok(result.commits > 2);
      assert.equal(result.enqueued, 2_990);
      assert.deepEqual(await deliveredTo(sub), backlog().slice(10).map((t) => t.id));
      assert.equal((await cursorState()).settledBefore, T0 + 2_999 - 90);
    });
  });
});
