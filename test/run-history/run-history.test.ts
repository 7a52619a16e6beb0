// The run history's merge and the deliveries' keyset pages on the store as the server opens it: a
// real SQLite file, or a fresh PostgreSQL database when TEST_DATABASE_URL is set (the same queries
// must hold on both). Rows are written with fixed times so that the order is exact.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openTestStore, type TestStore } from '../support/store-fixture.js';
import { insertRun } from '../../src/store/runs.js';
import { findRunCursor, listRunHistory } from '../../src/run-history/list-runs.js';
import { findDeliveryCursor, listDeliveryPage } from '../../src/store/deliveries/history.js';

const at = (second: number) => new Date(Date.UTC(2026, 10, 26, 6, 0, second)).toISOString();

describe('run history and delivery pages on the store', () => {
  let t: TestStore;

  before(async () => {
    t = await openTestStore();
    const { db, store } = t;
    await store.insertInto('users').values({ id: 'usr_2', name: 'bob', is_admin: 0, created_at: at(0) }).execute();
    const subscription = (id: string, userId: string, trigger: string) => ({
      id,
      user_id: userId,
      connection_id: 'conn_1',
      trigger,
      url: 'http://127.0.0.1:9/hook',
      mode: 'poll' as const,
      poll_interval_seconds: 120,
      secret_ciphertext: 'sealed',
      status: 'active' as const,
      since: at(0),
      created_at: at(0),
    });
    await db.insertInto('subscriptions').values([subscription('sub_a', 'usr_1', 'chargeAdded'), subscription('sub_b', 'usr_2', 'chargeAdded')]).execute();
    // Twelve deliveries enqueued in the same instant for five objects created in the same second
    // and seven in the next: only the id tells the ties apart.
    for (let i = 0; i < 12; i += 1) {
      const objectId = `ch_${String(i).padStart(2, '0')}`;
      await db
        .insertInto('trigger_events')
        .values({ id: `evt_${i}`, connection_id: 'conn_1', trigger: 'chargeAdded', stripe_object_id: objectId, object_created: at(i < 5 ? 1 : 2), data: '{}', created_at: at(3) })
        .execute();
      await db
        .insertInto('deliveries')
        .values({
          id: `msg_${String(i).padStart(2, '0')}`,
          subscription_id: 'sub_a',
          event_id: `evt_${i}`,
          stripe_object_id: objectId,
          object_created: at(i < 5 ? 1 : 2),
          status: 'pending',
          attempts: 0,
          next_attempt_at: at(3),
          first_attempt_at: null,
          locked_until: null,
          claim_token: null,
          last_status_code: null,
          last_error: null,
          delivered_at: null,
          created_at: at(3),
        })
        .execute();
    }
    // Attempts at 10 s (500), 12 s (no answer), 14 s (204); action runs at 11 s and 13 s; bob's at 15 s.
    const attempt = (id: string, second: number, statusCode: number | null, error: string | null) => ({
      id,
      delivery_id: 'msg_00',
      attempt: second,
      started_at: at(second),
      duration_ms: 7,
      status_code: statusCode,
      error,
      response_snippet: null,
    });
    await db
      .insertInto('delivery_attempts')
      .values([attempt('att_10', 10, 500, 'answered 500'), attempt('att_12', 12, null, 'no answer within 10000 ms'), attempt('att_14', 14, 204, null)])
      .execute();
    const run = (id: string, second: number, userId: string, status: 'succeeded' | 'failed') => ({
      id,
      kind: 'action',
      user_id: userId,
      connection_id: 'conn_1',
      operation: 'createCustomer',
      status,
      duration_ms: 3,
      stripe_request_id: null,
      input: '{}',
      output: status === 'succeeded' ? '{}' : null,
      error: status === 'failed' ? '{"status":402,"code":"stripe_error","message":"declined"}' : null,
      created_at: at(second),
    });
    await insertRun(store, run('run_11', 11, 'usr_1', 'succeeded'));
    await insertRun(store, run('run_13', 13, 'usr_1', 'failed'));
    await insertRun(store, run('run_15', 15, 'usr_2', 'succeeded'));
  });
  after(() => t?.close());

  test('action runs and delivery attempts interleave by start time, newest first; another user sees only their own', async () => {
    const { runs, hasMore } = await listRunHistory(t.db, { userId: 'usr_1' });
    assert.equal(hasMore, false);
    assert.deepEqual(runs.map((r) => r.id), ['att_14', 'run_13', 'att_12', 'run_11', 'att_10']);
    assert.deepEqual(runs.map((r) => r.status), ['succeeded', 'failed', 'failed', 'succeeded', 'failed']);
    assert.deepEqual((await listRunHistory(t.db, { userId: 'usr_2' })).runs.map((r) => r.id), ['run_15']);
  });

  test('status, operation, connection and limit filter both kinds alike', async () => {
    const ids = async (filter: Parameters<typeof listRunHistory>[1]) => (await listRunHistory(t.db, filter)).runs.map((r) => r.id);
    assert.deepEqual(await ids({ userId: 'usr_1', status: 'failed' }), ['run_13', 'att_12', 'att_10']);
    assert.deepEqual(await ids({ userId: 'usr_1', status: 'succeeded' }), ['att_14', 'run_11']);
    assert.deepEqual(await ids({ userId: 'usr_1', operation: 'chargeAdded' }), ['att_14', 'att_12', 'att_10']);
    assert.deepEqual(await ids({ userId: 'usr_1', operation: 'createCustomer', status: 'failed' }), ['run_13']);
    assert.deepEqual(await ids({ userId: 'usr_1', connectionId: 'conn_other' }), []);
    assert.deepEqual(await ids({ userId: 'usr_1', limit: 2 }), ['att_14', 'run_13']);
  });

  test('pages of deliveries cover every tie exactly once, newest object first', async () => {
    const seen: string[] = [];
    let cursor: Awaited<ReturnType<typeof findDeliveryCursor>>;
    for (let page = 0; page < 10; page += 1) {
      const result = await listDeliveryPage(t.db, { subscriptionId: 'sub_a', limit: 5, startingAfter: cursor });
      seen.push(...result.deliveries.map((d) => d.id));
      if (!result.hasMore) break;
      cursor = await findDeliveryCursor(t.db, 'sub_a', seen.at(-1)!);
      assert.ok(cursor);
    }
    const expected = ['msg_11', 'msg_10', 'msg_09', 'msg_08', 'msg_07', 'msg_06', 'msg_05', 'msg_04', 'msg_03', 'msg_02', 'msg_01', 'msg_00'];
    assert.deepEqual(seen, expected);
    assert.equal(await findDeliveryCursor(t.db, 'sub_b', 'msg_00'), undefined, "another subscription's delivery is no cursor here");
  });

  test('pages of runs cover every run exactly once, also runs of both kinds started in the same millisecond', async () => {
    // Two action runs at the very time of att_12: only the id orders the three.
    await insertRun(t.store, { ...(await sameTimeRun('run_12a')), created_at: at(12) });
    await insertRun(t.store, { ...(await sameTimeRun('run_12z')), created_at: at(12) });
    const everything = (await listRunHistory(t.db, { userId: 'usr_1', limit: 1000 })).runs.map((r) => r.id);
    assert.deepEqual(everything, ['att_14', 'run_13', 'run_12z', 'run_12a', 'att_12', 'run_11', 'att_10']);
    for (const limit of [1, 2, 3]) {
      const seen: string[] = [];
      let startingAfter: Awaited<ReturnType<typeof findRunCursor>>;
      for (let page = 0; page < 10; page += 1) {
        const result = await listRunHistory(t.db, { userId: 'usr_1', limit, startingAfter });
        seen.push(...result.runs.map((r) => r.id));
        assert.equal(result.hasMore, seen.length < everything.length, `hasMore after ${seen.length} of ${everything.length} at limit ${limit}`);
        if (!result.hasMore) break;
        startingAfter = await findRunCursor(t.db, 'usr_1', seen.at(-1)!);
        assert.ok(startingAfter);
      }
      assert.deepEqual(seen, everything, `limit ${limit}`);
    }
    assert.equal(await findRunCursor(t.db, 'usr_2', 'att_12'), undefined, "another user's delivery attempt is no cursor");
    assert.equal(await findRunCursor(t.db, 'usr_1', 'run_15'), undefined, "another user's action run is no cursor");
  });

  async function sameTimeRun(id: string) {
    return {
      id,
      kind: 'action',
      user_id: 'usr_1',
      connection_id: 'conn_1',
      operation: 'createCustomer',
      status: 'succeeded' as const,
      duration_ms: 1,
      stripe_request_id: null,
      input: '{}',
      output: '{}',
      error: null,
      created_at: at(12),
    };
  }
});
