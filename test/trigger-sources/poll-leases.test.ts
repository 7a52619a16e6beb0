// Several processes on one store: two PollScheduler instances, each with a lease holder of its own
// (as two `serve` processes have), against the emulator and one store (SQLite, and PostgreSQL in
// the runner's second pass). One polls a (connection, trigger) at a time; a holder that stalls past
// its lease's expiry commits nothing once another took over; one that dies mid-backlog is taken
// over at the next due poll, and every object is still enqueued exactly once per subscription.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TriggerDefinition } from '../../src/connector/define.js';
import { findTrigger } from '../../src/connector/triggers/index.js';
import { Leases } from '../../src/background/leases.js';
import { PollScheduler } from '../../src/trigger-sources/poll-scheduler.js';
import { startTriggerHarness, T0, type TriggerHarness } from './trigger-harness.js';
import { insertSubscription } from '../support/store-fixture.js';
import { eventually } from '../support/eventually.js';

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  received_at_ms: number;
  answered_at_ms: number;
}

/** A promise and the function that settles it: a step of a poll held until the test lets it go. */
function gate() {
  let open!: () => void;
  let fail!: (error: Error) => void;
  const passed = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  passed.catch(() => {});
  return { passed, open, fail };
}

/** A signal the test can wait for. */
function signal() {
  let fire!: () => void;
  let fired = false;
  const promise = new Promise<void>((resolve) => {
    fire = () => {
      fired = true;
      resolve();
    };
  });
  return { promise, fire, get fired() { return fired; } };
}

describe('polls across processes sharing one store', () => {
  let h: TriggerHarness;
  const customerAdded = findTrigger('customerAdded')!;

  /** customerAdded whose list calls first run `before` (which may hold them). */
  const heldTrigger = (before: (call: number) => Promise<void>): TriggerDefinition => {
    let calls = 0;
    return { ...customerAdded, listPage: async (stripe, params) => {
      await before(++calls);
      return customerAdded.listPage(stripe, params);
    } } as TriggerDefinition;
  };

  const requestLog = async (): Promise<LoggedRequest[]> => {
    const answer = await fetch(`${h.emulator.url}/_emulator/requests`, { headers: { authorization: `Bearer ${h.apiKey}` } });
    return ((await answer.json()) as { data: LoggedRequest[] }).data;
  };

  /** Per subscription: how many deliveries, and how many distinct objects among them. */
  const deliveries = async (subscriptionId: string) => {
    const rows = await h.db.selectFrom('deliveries').select('stripe_object_id').where('subscription_id', '=', subscriptionId).execute();
    return { count: rows.length, distinct: new Set(rows.map((r) => r.stripe_object_id)).size };
  };

  before(async () => {
    h = await startTriggerHarness();
  });
  after(() => h?.close());
  beforeEach(() => h.reset());

  test('two schedulers on one store: one polls a backlog of 3,000 while the other skips it, no two list calls overlap, every object is enqueued once per subscription', async () => {
    await h.subscribe('sub_1', 'customerAdded');
    await h.subscribe('sub_2', 'customerAdded');
    // Created in the subscription's second: one unsliced poll, 30 pages listed one after another.
    await h.control('/_emulator/bulk', `type=customers&count=3000&created_from=${T0}&created_to=${T0}`);
    // 120 ms a list call: the poll (≥ 3.6 s) outlasts its lease's 3 s TTL, so it keeps the lease
    // only by renewing it (every 150 ms: twenty renewals would have to fail in a row to lose it).
    const stopDelay = h.emulator.state.addInterceptor((request) => (request.path.startsWith('/v1/customers') ? { delayMs: 120 } : undefined));
    const enqueuedBy = [0, 0];
    const schedulers = [0, 1].map((i) => {
      const s = new PollScheduler({
        db: h.db,
        stripeFor: async () => h.stripe,
        nowMs: () => T0 * 1000,
        tickMs: 50,
        leases: new Leases({ db: h.db, ttlMs: 3_000, renewEveryMs: 150 }),
      });
      s.onEnqueued((part) => (enqueuedBy[i]! += part.enqueued));
      return s;
    });
    try {
      for (const s of schedulers) s.start();
      await eventually(() => deliveries('sub_2'), (d) => d.count === 3_000, 60_000);
      // Both keep looking for due polls for a while: neither polls the trigger again.
      await sleep(300);
    } finally {
      await Promise.all(schedulers.map((s) => s.stop()));
      stopDelay();
    }
    assert.deepEqual(await deliveries('sub_1'), { count: 3_000, distinct: 3_000 });
    assert.deepEqual(await deliveries('sub_2'), { count: 3_000, distinct: 3_000 });
    assert.deepEqual([...enqueuedBy].sort((a, b) => a - b), [0, 6_000], 'one scheduler enqueued everything');

    const lists = (await requestLog()).filter((r) => r.method === 'GET' && r.path === '/v1/customers');
    assert.ok(lists.length >= 30, `${lists.length} list calls`);
    assert.ok(lists.length <= 31, `one poll's pages only: ${lists.length} list calls`);
    for (let i = 1; i < lists.length; i += 1) {
      assert.ok(lists[i]!.received_at_ms >= lists[i - 1]!.answered_at_ms, `list call ${i} started before call ${i - 1} was answered`);
    }
  });

  test('a holder that stalls past its lease\'s expiry commits nothing once another process took over; the other delivers everything once', async () => {
    await h.subscribe('sub_f', 'customerAdded');
    await h.control('/_emulator/bulk', `type=customers&count=300&created_from=${T0}&created_to=${T0}`);
    const stalled = gate();
    const aListing = signal();
    // A: 500 ms leases and timers that never renew in time, like a process paused by GC or a
    // network partition; its first list call is held until the test lets it go.
    const a = new PollScheduler({
      db: h.db,
      stripeFor: async () => h.stripe,
      nowMs: () => T0 * 1000,
      findTrigger: () => heldTrigger(async (call) => {
        if (call === 1) {
          aListing.fire();
          await stalled.passed;
        }
      }),
      leases: new Leases({ db: h.db, ttlMs: 500, renewEveryMs: 3_600_000 }),
    });
    const bHeld = gate();
    const bListing = signal();
    const b = new PollScheduler({
      db: h.db,
      stripeFor: async () => h.stripe,
      nowMs: () => T0 * 1000,
      findTrigger: () => heldTrigger(async (call) => {
        if (call === 1) {
          bListing.fire();
          await bHeld.passed;
        }
      }),
      leases: new Leases({ db: h.db }),
    });

    const aRun = a.runDue();
    // Fails at once rather than waiting for ever if A did not get to its list call.
    await Promise.race([aListing.promise, aRun.then(() => {
      if (!aListing.fired) assert.fail('A finished its round without listing: it did not get the lease');
    })]);
    // B asks for the poll until A's lease has run out and B holds it (B's first list call is held).
    let bRun: Promise<number> = Promise.resolve(0);
    for (const deadline = Date.now() + 20_000; !bListing.fired; ) {
      assert.ok(Date.now() < deadline, 'B never took the lease over');
      bRun = b.runDue();
      await Promise.race([bRun, bListing.promise]);
      if (!bListing.fired) await sleep(50);
    }

    stalled.open();
    await aRun;
    assert.deepEqual(await deliveries('sub_f'), { count: 0, distinct: 0 }, 'A listed everything but committed nothing');
    assert.equal((await h.db.selectFrom('poll_cursors').selectAll().execute()).length, 0, 'nor saved a cursor');

    bHeld.open();
    await bRun;
    assert.deepEqual(await deliveries('sub_f'), { count: 300, distinct: 300 });
  });

  test('a process that dies mid-backlog: its lease runs out, another takes over at the next due poll, and nothing is lost or doubled', async () => {
    const since = T0 - 10_000;
    await insertSubscription(h.db, 'sub_d', 'customerAdded', since);
    await insertSubscription(h.db, 'sub_e', 'customerAdded', since);
    // Spread over 2,000 s: listed in slices, each committed on its own.
    await h.control('/_emulator/bulk', `type=customers&count=2000&created_from=${since}&created_to=${since + 1_999}`);
    const death = gate();
    let committed = false;
    const a = new PollScheduler({
      db: h.db,
      stripeFor: async () => h.stripe,
      nowMs: () => T0 * 1000,
      // After its first commit, A's list calls never come back: the process is gone.
      findTrigger: () => heldTrigger(async () => {
        if (committed) await death.passed;
      }),
      leases: new Leases({ db: h.db, ttlMs: 500, renewEveryMs: 3_600_000 }),
    });
    a.onEnqueued(() => {
      committed = true;
    });
    const aRun = a.runDue();
    await eventually(async () => committed, (done) => done, 20_000);
    const byA = await deliveries('sub_d');
    assert.ok(byA.count > 0 && byA.count < 2_000, `A committed part of the backlog: ${byA.count}`);

    // The next poll is due one interval (120 s) after A's; B's clock is there.
    const b = new PollScheduler({ db: h.db, stripeFor: async () => h.stripe, nowMs: () => (T0 + 121) * 1000, leases: new Leases({ db: h.db }) });
    try {
      await eventually(async () => {
        await b.runDue();
        return deliveries('sub_e');
      }, (d) => d.count === 2_000, 30_000);
    } finally {
      death.fail(new Error('the process is gone'));
      await aRun;
    }
    assert.deepEqual(await deliveries('sub_d'), { count: 2_000, distinct: 2_000 });
    assert.deepEqual(await deliveries('sub_e'), { count: 2_000, distinct: 2_000 });
  });
});
