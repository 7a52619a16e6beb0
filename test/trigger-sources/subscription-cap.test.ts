// SUBSCRIPTIONS_PER_CONNECTION through the real services on a real store (SQLite, and PostgreSQL
// in the PostgreSQL pass): the cap holds, paused subscriptions count, deleting one makes room, and
// creations racing for the last places never overshoot it.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConnectionService } from '../../src/connections/service.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { createLogger } from '../../src/log.js';
import { ConnectorError } from '../../src/errors.js';
import { SubscriptionService } from '../../src/trigger-sources/subscriptions.js';
import { startTriggerHarness, type TriggerHarness } from './trigger-harness.js';

const HOOK = { trigger: 'customerAdded', url: 'http://127.0.0.1:8080/hook' };

describe('subscriptions per connection', () => {
  let h: TriggerHarness;
  let connections: ConnectionService;
  let keyCounter = 0;
  const cipher = createKeyCipher(randomBytes(32));
  const subscriptions = () => new SubscriptionService({ db: h.db, cipher, connections, allowPrivate: true, maxPerConnection: 3 });
  const newConnection = async () =>
    (await connections.create('usr_1', { name: 'capped', apiKey: `sk_test_cap${process.pid}x${++keyCounter}` })).id;
  const countOn = async (connectionId: string) =>
    (await h.db.selectFrom('subscriptions').select('id').where('connection_id', '=', connectionId).execute()).length;

  before(async () => {
    h = await startTriggerHarness();
    connections = new ConnectionService({
      db: h.store.store,
      cipher,
      logger: createLogger({ level: 'silent' }),
      defaultApiBase: h.emulator.url,
      defaultApiVersion: undefined,
    });
  });
  after(() => h?.close());

  test('beyond the cap a creation is a 409 naming the limit and the setting, and nothing is written', async () => {
    const service = subscriptions();
    const connectionId = await newConnection();
    const first = await service.create('usr_1', connectionId, HOOK);
    await service.pause('usr_1', first.id);
    await service.create('usr_1', connectionId, HOOK);
    await service.create('usr_1', connectionId, { ...HOOK, trigger: 'chargeAdded' });
    let refused: unknown;
    try {
      await service.create('usr_1', connectionId, HOOK);
    } catch (error) {
      refused = error;
    }
    assert.ok(refused instanceof ConnectorError, String(refused));
    assert.equal(refused.status, 409);
    assert.equal(refused.code, 'conflict');
    assert.match(refused.message, /has 3 subscriptions, the most allowed \(SUBSCRIPTIONS_PER_CONNECTION=3\)/);
    assert.deepEqual(refused.details, { limit: 3, setting: 'SUBSCRIPTIONS_PER_CONNECTION' });
    assert.equal(await countOn(connectionId), 3, 'a paused subscription counts; nothing more was written');

    // Another connection of the same user has its own room; deleting one makes room again.
    await service.create('usr_1', await newConnection(), HOOK);
    await service.remove('usr_1', first.id);
    await service.create('usr_1', connectionId, HOOK);
    assert.equal(await countOn(connectionId), 3);
  });

  test('creations racing for the last places never overshoot the cap', async () => {
    const service = subscriptions();
    const connectionId = await newConnection();
    await service.create('usr_1', connectionId, HOOK);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => service.create('usr_1', connectionId, HOOK)));
    const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    assert.equal(outcomes.length - refusals.length, 2, 'exactly the two free places were taken');
    for (const refusal of refusals) assert.equal((refusal.reason as ConnectorError).status, 409, String(refusal.reason));
    assert.equal(await countOn(connectionId), 3);
  });
});
