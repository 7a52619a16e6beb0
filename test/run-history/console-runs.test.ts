// GET /api/runs' time range and GET /api/runs/{id}: the real app (inject) over a store from the
// fixture, the emulator behind alice's connection, delivery attempts written at known times.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';
import { closeAll } from '../support/cleanup.js';
import { insertSubscriptionRow, seedDeliveries } from '../support/delivery-seed.js';

interface RunJson {
  id: string;
  kind: string;
  operation: string;
  status: string;
  createdAt: string;
  input?: unknown;
  output?: unknown;
  error?: unknown;
}

describe('the run history by time, and one run', () => {
  let world: EmulatorWorld | undefined;
  const actionRuns: RunJson[] = [];

  before(async () => {
    world = await startEmulatorWorld({ services: { stripeRequestsPerSecond: false } });
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      assert.equal((await world.action('createCustomer', { email, description: 'key sk_test_pasted1234567890' })).statusCode, 200);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const runs = (await world.harness.request('GET', '/api/runs')).json() as { data: RunJson[] };
    actionRuns.push(...runs.data.reverse());
    const db = world.harness.services.db;
    await insertSubscriptionRow(db, 'sub_1', world.harness.alice.userId, world.connectionId, 'customerAdded');
    const [delivery] = await seedDeliveries(db, { subscriptionId: 'sub_1', connectionId: world.connectionId, trigger: 'customerAdded', count: 1, startMs: Date.parse('2026-01-01T00:00:00Z'), stepMs: 1 });
    await db
      .insertInto('delivery_attempts')
      .values([
        { id: 'att_early', delivery_id: delivery!.id, attempt: 1, started_at: '2026-01-01T00:00:01.000Z', duration_ms: 5, status_code: 500, error: 'HTTP 500', response_snippet: null },
        { id: 'att_later', delivery_id: delivery!.id, attempt: 2, started_at: '2026-01-01T00:10:00.000Z', duration_ms: 5, status_code: 204, error: null, response_snippet: null },
      ])
      .execute();
  });

  after(() => closeAll(() => world?.close()));

  test('from (inclusive) and to (exclusive) bound both kinds of run by when they started', async () => {
    const h = world!.harness;
    const [first, second, third] = actionRuns;
    const middle = (await h.request('GET', `/api/runs?from=${second!.createdAt}&to=${third!.createdAt}`)).json() as { data: RunJson[] };
    assert.deepEqual(
      middle.data.map((r) => r.id),
      [second!.id],
    );
    const fromFirst = (await h.request('GET', `/api/runs?from=${first!.createdAt}`)).json() as { data: RunJson[] };
    assert.equal(fromFirst.data.length, 3);
    const attempts = (await h.request('GET', '/api/runs?from=2026-01-01T00:00:00Z&to=2026-01-01T00:10:00Z')).json() as { data: RunJson[] };
    assert.deepEqual(
      attempts.data.map((r) => r.id),
      ['att_early'],
    );
    for (const [query, field] of [
      ['from=soon', 'query.from'],
      [`from=${third!.createdAt}&to=${first!.createdAt}`, 'query.to'],
    ] as const) {
      const res = await h.request('GET', `/api/runs?${query}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.ok((res.json() as { error: { details: { field: string }[] } }).error.details.some((d) => d.field === field));
    }
  });

  test('GET /api/runs/{id} shows an action run with its redacted input and its output, or a delivery attempt; another user\'s is a 404', async () => {
    const h = world!.harness;
    const res = await h.request('GET', `/api/runs/${actionRuns[0]!.id}`);
    assert.equal(res.statusCode, 200, res.body);
    const run = res.json() as RunJson;
    assert.equal(run.kind, 'action');
    assert.equal(run.operation, 'createCustomer');
    assert.deepEqual(run.input, { email: 'a@example.com', description: 'key [redacted]' });
    assert.equal((run.output as { email: string }).email, 'a@example.com');
    assert.equal(run.error, null);
    assert.ok(!res.body.includes('sk_test_pasted'));
    const attempt = (await h.request('GET', '/api/runs/att_early')).json() as RunJson;
    assert.equal(attempt.kind, 'delivery');
    assert.equal(attempt.status, 'failed');
    assert.equal((await h.request('GET', `/api/runs/${actionRuns[0]!.id}`, { token: h.bob.token })).statusCode, 404);
    assert.equal((await h.request('GET', '/api/runs/att_early', { token: h.bob.token })).statusCode, 404);
    assert.equal((await h.request('GET', '/api/runs/run_nope')).statusCode, 404);
  });

  test('an action\'s answer names its run in Run-Id, on success and on a Stripe failure', async () => {
    const h = world!.harness;
    const ok = await world!.action('createCustomer', { email: 'd@example.com' });
    assert.equal(ok.statusCode, 200);
    const okRun = (await h.request('GET', `/api/runs/${String(ok.headers['run-id'])}`)).json() as RunJson;
    assert.equal(okRun.status, 'succeeded');
    assert.equal((okRun.input as { email: string }).email, 'd@example.com');
    const missing = await world!.action('getCustomer', { id: 'cus_missing' });
    assert.equal(missing.statusCode, 404);
    assert.match(String(missing.headers['run-id']), /^run_/);
    const failedRun = (await h.request('GET', `/api/runs/${String(missing.headers['run-id'])}`)).json() as RunJson;
    assert.equal(failedRun.status, 'failed');
    assert.equal((failedRun.error as { code: string }).code, 'not_found');
    // Refused before the call (bad input): no run, no Run-Id.
    const refused = await world!.action('getCustomer', {});
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.headers['run-id'], undefined);
  });
});
