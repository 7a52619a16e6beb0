// GET /api/overview and the key refusal on connection views: the real app over a store from the
// fixture, the emulator behind alice's connection, deliveries written at known times on a fixed clock.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';
import { closeAll } from '../support/cleanup.js';
import { insertConnectionRow, insertSubscriptionRow, seedDeliveries } from '../support/delivery-seed.js';
import { eventually } from '../support/eventually.js';
import { StripeApiError } from '../../src/emulator/wire/errors.js';

interface OverviewJson {
  connections: {
    id: string;
    name: string;
    mode: string;
    keyHint: string;
    lastSuccessAt: string | null;
    lastError: { at: string; operation: string; code: string; message: string } | null;
    keyRefused: { at: string; message: string } | null;
  }[];
  deliveriesPerMinute: { minute: string; delivered: number; failed: number; pending: number }[];
  oldestPendingAgeSeconds: number | null;
}

const NOW_MS = Date.parse('2026-11-26T06:00:30.000Z');
const at = (iso: string) => Date.parse(iso);

describe('GET /api/overview', () => {
  let world: EmulatorWorld | undefined;

  before(async () => {
    world = await startEmulatorWorld({ services: { nowMs: () => NOW_MS, stripeRequestsPerSecond: false } });
    const db = world.harness.services.db;
    const { alice, bob } = world.harness;
    await insertSubscriptionRow(db, 'sub_alice', alice.userId, world.connectionId, 'customerAdded');
    await insertConnectionRow(db, 'conn_bob', bob.userId);
    await insertSubscriptionRow(db, 'sub_bob', bob.userId, 'conn_bob', 'customerAdded');
    const seed = (startIso: string, count: number, status: 'delivered' | 'failed' | 'pending', subscriptionId = 'sub_alice', connectionId = world!.connectionId) =>
      seedDeliveries(db, { subscriptionId, connectionId, trigger: 'customerAdded', count, startMs: at(startIso), stepMs: 1000, status: () => status });
    await seed('2026-11-26T05:00:59.000Z', 1, 'delivered'); // before the hour: not counted
    await seed('2026-11-26T05:01:00.000Z', 1, 'delivered'); // the first minute of the hour
    await seed('2026-11-26T05:30:10.000Z', 2, 'failed');
    await seed('2026-11-26T05:59:00.000Z', 3, 'delivered');
    await seed('2026-11-26T05:59:30.000Z', 1, 'failed');
    await seed('2026-11-26T05:59:00.500Z', 2, 'pending'); // the oldest pending: 90 s before now
    await seed('2026-11-26T06:00:10.000Z', 1, 'pending'); // the current minute: the chart's last bar
    await seed('2026-11-26T05:59:00.000Z', 5, 'delivered', 'sub_bob', 'conn_bob');
    await seed('2026-11-26T03:00:00.000Z', 1, 'pending', 'sub_bob', 'conn_bob');
  });

  after(() => closeAll(() => world?.close()));

  test('counts the last 60 minutes of the caller\'s deliveries by status, the current one last, oldest minute first, every minute present', async () => {
    const res = await world!.harness.request('GET', '/api/overview');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as OverviewJson;
    assert.equal(body.deliveriesPerMinute.length, 60);
    assert.equal(body.deliveriesPerMinute[0]!.minute, '2026-11-26T05:01:00.000Z');
    assert.equal(body.deliveriesPerMinute[59]!.minute, '2026-11-26T06:00:00.000Z');
    const nonZero = body.deliveriesPerMinute.filter((m) => m.delivered + m.failed + m.pending > 0);
    assert.deepEqual(nonZero, [
      { minute: '2026-11-26T05:01:00.000Z', delivered: 1, failed: 0, pending: 0 },
      { minute: '2026-11-26T05:30:00.000Z', delivered: 0, failed: 2, pending: 0 },
      { minute: '2026-11-26T05:59:00.000Z', delivered: 3, failed: 1, pending: 2 },
      { minute: '2026-11-26T06:00:00.000Z', delivered: 0, failed: 0, pending: 1 },
    ]);
    assert.equal(body.oldestPendingAgeSeconds, 89);
  });

  test('shows each of the caller\'s connections with its last success and last error, and none of another user\'s', async () => {
    const ok = await world!.action('createCustomer', { email: 'jenny@example.com' });
    assert.equal(ok.statusCode, 200, ok.body);
    const missing = await world!.action('getCustomer', { id: 'cus_missing' });
    assert.equal(missing.statusCode, 404, missing.body);
    const body = (await world!.harness.request('GET', '/api/overview')).json() as OverviewJson;
    assert.deepEqual(
      body.connections.map((c) => c.id),
      [world!.connectionId],
    );
    const connection = body.connections[0]!;
    assert.equal(connection.mode, 'test');
    assert.match(connection.keyHint, /^sk_test_…/);
    assert.ok(connection.lastSuccessAt && !Number.isNaN(Date.parse(connection.lastSuccessAt)));
    assert.equal(connection.lastError?.operation, 'getCustomer');
    assert.equal(connection.lastError?.code, 'not_found');
    assert.match(connection.lastError!.message, /cus_missing/);
    assert.equal(connection.keyRefused, null);
    const bobs = (await world!.harness.request('GET', '/api/overview', { token: world!.harness.bob.token })).json() as OverviewJson;
    assert.deepEqual(
      bobs.connections.map((c) => c.id),
      ['conn_bob'],
    );
    assert.equal(bobs.oldestPendingAgeSeconds, 3 * 3600 + 30);
  });

  test('a 401 from Stripe marks the key refused on the overview and the connection views; the next success clears it', async () => {
    const h = world!.harness;
    const refuse = world!.emulator.state.addInterceptor(
      () => ({ error: new StripeApiError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****' }) }),
    );
    let refusedAt: string | undefined;
    try {
      const refused = await world!.action('createCustomer', {});
      assert.equal(refused.statusCode, 400, refused.body);
      assert.equal((refused.json() as { error: { code: string } }).error.code, 'invalid_api_key');
      // The mark is written beside the call's answer, not before it: wait for it, not for a fixed time.
      const overview = await eventually(
        async () => (await h.request('GET', '/api/overview')).json() as OverviewJson,
        (o) => o.connections[0]!.keyRefused !== null,
      );
      refusedAt = overview.connections[0]!.keyRefused?.at;
      assert.ok(refusedAt, 'keyRefused is set');
      assert.match(overview.connections[0]!.keyRefused!.message, /refused the API key/);
      const one = (await h.request('GET', `/api/connections/${world!.connectionId}`)).json() as { keyRefused: unknown };
      assert.deepEqual(one.keyRefused, overview.connections[0]!.keyRefused);
      const list = (await h.request('GET', '/api/connections')).json() as { data: { keyRefused: unknown }[] };
      assert.deepEqual(list.data[0]!.keyRefused, overview.connections[0]!.keyRefused);
    } finally {
      refuse();
    }
    const ok = await world!.action('createCustomer', {});
    assert.equal(ok.statusCode, 200, ok.body);
    const cleared = await eventually(
      async () => (await h.request('GET', '/api/overview')).json() as OverviewJson,
      (o) => o.connections[0]!.keyRefused === null,
    );
    assert.equal(cleared.connections[0]!.keyRefused, null);
    assert.equal(((await h.request('GET', `/api/connections/${world!.connectionId}`)).json() as { keyRefused: unknown }).keyRefused, null);
  });
});
