// GET /api/subscriptions in pages, newest first, like the run and delivery histories; and the
// SUBSCRIPTIONS_PER_CONNECTION cap as a user meets it over HTTP.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from '../support/harness.js';
import { startEmulatorWorld, type EmulatorWorld } from '../support/emulator-world.js';

describe('the subscription list and the cap over HTTP', () => {
  let world: EmulatorWorld | undefined;
  let h: Harness;
  let clockMs = Date.parse('2026-11-26T06:00:00.000Z');
  const made: string[] = [];
  let bobsSubscription = '';

  const subscribe = async (connectionId: string, token?: string) => {
    clockMs += 1000;
    return h.request('POST', `/api/connections/${connectionId}/subscriptions`, {
      body: { trigger: 'customerAdded', url: 'http://127.0.0.1:9/hook' },
      ...(token ? { token } : {}),
    });
  };
  const connect = (token?: string) => world!.connect({ name: 'c', apiKey: `sk_test_sublist${process.pid}x${made.length}${token ? 'b' : 'a'}`, token });

  before(async () => {
    world = await startEmulatorWorld({
      config: { callbackAllowPrivate: true, subscriptionsPerConnection: 2 },
      services: { stripeRequestsPerSecond: false, nowMs: () => clockMs },
      apiKey: false,
    });
    h = world.harness;
    for (let c = 0; c < 3; c++) {
      const connectionId = await connect();
      for (let s = 0; s < 2; s++) {
        const res = await subscribe(connectionId);
        assert.equal(res.statusCode, 201, res.body);
        made.push(res.json().id);
      }
    }
    const bobs = await subscribe(await connect(h.bob.token), h.bob.token);
    assert.equal(bobs.statusCode, 201, bobs.body);
    bobsSubscription = bobs.json().id;
  });

  after(() => world?.close());

  test('pages come newest first with hasMore, and startingAfter continues without skipping or repeating', async () => {
    const first = await h.request('GET', '/api/subscriptions?limit=4');
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().hasMore, true);
    const firstIds = first.json().data.map((s: { id: string }) => s.id);
    const last = firstIds[firstIds.length - 1];
    const second = await h.request('GET', `/api/subscriptions?limit=4&startingAfter=${last}`);
    assert.equal(second.statusCode, 200, second.body);
    assert.equal(second.json().hasMore, false);
    const all = [...firstIds, ...second.json().data.map((s: { id: string }) => s.id)];
    assert.deepEqual(all, [...made].reverse(), "the caller's six, newest first, none of another user's");
    const whole = await h.request('GET', '/api/subscriptions');
    assert.deepEqual(Object.keys(whole.json()).sort(), ['data', 'hasMore']);
    assert.equal(whole.json().data.length, 6);
  });

  test("startingAfter of another user's subscription or an unknown id is a 400 naming query.startingAfter", async () => {
    for (const id of [bobsSubscription, 'sub_000000000000000000000000']) {
      const res = await h.request('GET', `/api/subscriptions?startingAfter=${id}`);
      assert.equal(res.statusCode, 400, res.body);
      assert.deepEqual(res.json().error.details, [{ field: 'query.startingAfter', message: 'is not one of your subscriptions' }]);
    }
  });

  test('limit is 1–1000, as the run history; anything else is a 400 naming query.limit', async () => {
    for (const limit of ['0', '1001', 'ten', '-1']) {
      const res = await h.request('GET', `/api/subscriptions?limit=${limit}`);
      assert.equal(res.statusCode, 400, limit);
      assert.equal(res.json().error.details[0].field, 'query.limit');
    }
    assert.equal((await h.request('GET', '/api/subscriptions?limit=1000')).statusCode, 200);
  });

  test('a connection at SUBSCRIPTIONS_PER_CONNECTION answers 409 saying the limit and the setting', async () => {
    const connectionId = (await h.request('GET', `/api/subscriptions/${made[0]}`)).json().connection;
    const res = await subscribe(connectionId);
    assert.equal(res.statusCode, 409, res.body);
    assert.equal(res.json().error.code, 'conflict');
    assert.match(res.json().error.message, /the most allowed \(SUBSCRIPTIONS_PER_CONNECTION=2\)/);
    assert.equal((await h.request('GET', '/api/subscriptions')).json().data.length, 6, 'nothing was added');
  });
});
