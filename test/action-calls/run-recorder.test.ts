// The run history's group commit against a real store (store-fixture.ts): rows recorded in the same turn share
// one statement, and a row that cannot be written fails only its own call.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../../src/store/database.js';
import { openTestStore, type TestStore } from '../support/store-fixture.js';
import { RunRecorder, type RunRecord } from '../../src/action-calls/run-recorder.js';
import { createUserWithToken } from '../../src/users/tokens.js';

describe('run history group commit', () => {
  let testStore: TestStore | undefined;
  let db: Store;
  let userId: string;
  const row = (id: string): RunRecord => ({
    id,
    kind: 'action',
    user_id: userId,
    connection_id: 'conn_x',
    operation: 'getCustomer',
    status: 'succeeded',
    duration_ms: 3,
    stripe_request_id: 'req_x',
    input: {},
    output: { value: {}, json: '{}' },
    created_at: '2026-11-26T08:00:00.000Z',
  });
  const stored = async (ids: string[]) =>
    (await db.selectFrom('runs').select('id').where('id', 'in', ids).orderBy('id').execute()).map((r) => r.id);

  before(async () => {
    testStore = await openTestStore({ empty: true });
    db = testStore.store;
    userId = (await createUserWithToken(db, { name: 'u' })).userId;
  });
  after(async () => {
    await testStore?.close();
  });

  test('rows recorded in the same turn are all stored by the time each call is answered', async () => {
    const recorder = new RunRecorder(db, 3);
    const ids = Array.from({ length: 7 }, (_, i) => `run_together${i}`);
    await Promise.all(ids.map((id) => recorder.record(row(id))));
    assert.deepEqual(await stored(ids), ids);
  });

  test('a row that cannot be written (a duplicate id) fails its own call only; the others in its group are stored', async () => {
    const recorder = new RunRecorder(db);
    const outcomes = await Promise.allSettled([
      recorder.record(row('run_dup')),
      recorder.record(row('run_dup')),
      recorder.record(row('run_bystander')),
    ]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(await stored(['run_dup', 'run_bystander']), ['run_bystander', 'run_dup']);
  });
});
