// Subscriptions through the real connection service (keys sealed, checked against the emulator)
// on a real SQLite file.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ConnectionService } from '../../src/connections/service.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { createLogger } from '../../src/log.js';
import { ConnectorError } from '../../src/errors.js';
import { SubscriptionService } from '../../src/trigger-sources/subscriptions.js';
import { findSubscriptionCursor, type SubscriptionCursor } from '../../src/store/subscription-list.js';
import type { TestStore } from '../support/store-fixture.js';
import { startTriggerHarness, T0, type TriggerHarness } from './trigger-harness.js';

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

async function refusal(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ConnectorError, String(error));
    return error;
  }
  assert.fail('was accepted');
}

describe('subscriptions', () => {
  let h: TriggerHarness;
  let store: TestStore;
  let service: SubscriptionService;
  let connectionId: string;
  let retiredConnectionId: string;
  let connections: ConnectionService;
  const cipher = createKeyCipher(randomBytes(32));

  before(async () => {
    h = await startTriggerHarness();
    store = h.store;
    const emulator = h.emulator;
    connections = new ConnectionService({
      db: store.store,
      cipher,
      logger: createLogger({ level: 'silent' }),
      defaultApiBase: emulator.url,
      defaultApiVersion: undefined,
    });
    await store.store.insertInto('users').values({ id: 'usr_2', name: 'bob', is_admin: 0, created_at: iso(T0) }).execute();
    connectionId = (await connections.create('usr_1', { name: 'main', apiKey: `sk_test_subs${process.pid}a`, apiBase: emulator.url })).id;
    const retiredKey = `sk_test_subs${process.pid}b`;
    retiredConnectionId = (await connections.create('usr_1', { name: 'no orders', apiKey: retiredKey, apiBase: emulator.url })).id;
    await fetch(`${emulator.url}/_emulator/account/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${retiredKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'enabled=false',
    });
    service = new SubscriptionService({ db: store.db, cipher, connections, allowPrivate: true, nowMs: () => T0 * 1000 + 500 });
  });

  after(() => h?.close());

  test('a subscription is created with its secret shown once and stored sealed', async () => {
    const created = await service.create('usr_1', connectionId, { trigger: 'customerAdded', url: 'http://127.0.0.1:8080/hook' });
    assert.match(created.secret, /^whsec_/);
    assert.deepEqual(
      { ...created, id: undefined, secret: undefined },
      {
        id: undefined,
        secret: undefined,
        trigger: 'customerAdded',
        connection: connectionId,
        url: 'http://127.0.0.1:8080/hook',
        mode: 'poll',
        pollIntervalSeconds: 120,
        since: iso(T0),
        status: 'active',
        createdAt: new Date(T0 * 1000 + 500).toISOString(),
        counts: { delivered: 0, failed: 0, pending: 0 },
      },
    );
    const row = await store.db.selectFrom('subscriptions').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.doesNotMatch(row.secret_ciphertext, /whsec_/);
    assert.equal(service.openSecret(row), created.secret);
    assert.equal('secret' in (await service.get('usr_1', created.id)), false, 'never shown again');
  });

  test('since backfills from a past time; one in the future is refused', async () => {
    const backfill = await service.create('usr_1', connectionId, { trigger: 'invoiceItemAdded', url: 'http://127.0.0.1:8080/hook', since: '2026-11-01T00:00:00Z' });
    assert.equal(backfill.since, '2026-11-01T00:00:00.000Z');
    const error = await refusal(service.create('usr_1', connectionId, { trigger: 'chargeAdded', url: 'http://127.0.0.1:8080/hook', since: '2027-01-01T00:00:00Z' }));
    assert.match(error.message, /since: must not be in the future/);
  });

  test('bad input names every bad field, and nothing is stored', async () => {
    const before = (await service.list('usr_1')).subscriptions.length;
    const error = await refusal(
      service.create('usr_1', connectionId, { trigger: 'chargeRefunded', url: 'ftp://example.com', pollIntervalSeconds: 0, since: 'yesterday' }),
    );
    assert.equal(error.status, 400);
    assert.deepEqual((error.details as { field: string }[]).map((p) => p.field).sort(), ['pollIntervalSeconds', 'since', 'trigger', 'url']);
    assert.equal((await service.list('usr_1')).subscriptions.length, before);
  });

  test('webhook and hybrid modes are refused until endpoint registration exists', async () => {
    const error = await refusal(service.create('usr_1', connectionId, { trigger: 'chargeAdded', url: 'http://127.0.0.1:8080/hook', mode: 'webhook' }));
    assert.match(error.message, /mode: webhook mode is not available yet/);
  });

  test('a private subscriber URL is refused unless CALLBACK_ALLOW_PRIVATE is set, without saying where it resolves', async () => {
    const strict = new SubscriptionService({ db: store.db, cipher, connections });
    for (const url of ['http://10.0.0.8/hook', 'http://localhost:8080/hook']) {
      const error = await refusal(strict.create('usr_1', connectionId, { trigger: 'chargeAdded', url }));
      assert.equal(error.status, 400);
      assert.match(error.message, /url: is not allowed: .*non-public address; set CALLBACK_ALLOW_PRIVATE=true/);
      assert.doesNotMatch(error.message, /10\.0\.0\.8|127\.0\.0\.1|::1/);
    }
  });

  test('an unknown or another user\'s connection is the same 404 whatever the URL, checked before it', async () => {
    const strict = new SubscriptionService({ db: store.db, cipher, connections });
    const answers = new Set<string>();
    for (const [userId, id] of [['usr_2', connectionId], ['usr_1', 'conn_000000000000000000000000']]) {
      for (const url of ['http://localhost:8080/hook', 'http://10.0.0.8/hook', 'https://nowhere.invalid/hook', 'ftp://x', undefined]) {
        const error = await refusal(strict.create(userId!, id!, { trigger: 'chargeAdded', ...(url === undefined ? {} : { url }) }));
        assert.equal(error.status, 404, `${userId} ${url}`);
        answers.add(JSON.stringify({ ...error.toBody(), id: undefined }).replace(id!, 'ID'));
      }
    }
    assert.equal(answers.size, 1, [...answers].join('\n'));
  });

  test('orderAdded on an account without the Orders API fails with the retired-Orders message', async () => {
    const error = await refusal(service.create('usr_1', retiredConnectionId, { trigger: 'orderAdded', url: 'http://127.0.0.1:8080/hook' }));
    assert.equal(error.code, 'stripe_orders_retired');
    assert.match(error.message, /Stripe retired its Orders API/);
    const ok = await service.create('usr_1', connectionId, { trigger: 'orderAdded', url: 'http://127.0.0.1:8080/hook' });
    assert.equal(ok.trigger, 'orderAdded');
  });

  test('another user sees none of it: their connection and subscriptions are 404s', async () => {
    const mine = await service.create('usr_1', connectionId, { trigger: 'invoiceItemAdded', url: 'http://127.0.0.1:8080/hook' });
    assert.equal((await refusal(service.create('usr_2', connectionId, { trigger: 'chargeAdded', url: 'http://127.0.0.1:8080/hook' }))).status, 404);
    assert.equal((await refusal(service.get('usr_2', mine.id))).status, 404);
    assert.equal((await refusal(service.pause('usr_2', mine.id))).status, 404);
    assert.equal((await refusal(service.remove('usr_2', mine.id))).status, 404);
    assert.deepEqual((await service.list('usr_2')).subscriptions, []);
  });

  test('the list comes in pages, newest first, each continuing after the last of the one before', async () => {
    const all = (await service.list('usr_1', { limit: 1000 })).subscriptions.map((sub) => sub.id);
    assert.ok(all.length >= 3, 'earlier tests made several');
    const paged: string[] = [];
    let startingAfter: SubscriptionCursor | undefined;
    for (;;) {
      const page = await service.list('usr_1', { limit: 2, startingAfter });
      paged.push(...page.subscriptions.map((sub) => sub.id));
      if (!page.hasMore) break;
      startingAfter = await findSubscriptionCursor(store.db, 'usr_1', paged.at(-1)!);
    }
    assert.deepEqual(paged, all, 'no subscription skipped or repeated');
    const created = await Promise.all(all.map((id) => service.get('usr_1', id)));
    const order = created.map((sub) => `${sub.createdAt} ${sub.id}`);
    assert.deepEqual(order, [...order].sort().reverse(), 'newest first, then by id');
    assert.equal(await findSubscriptionCursor(store.db, 'usr_2', all[0]!), undefined, "another user's subscription is no cursor");
  });

  test('pause, resume and delete', async () => {
    const sub = await service.create('usr_1', connectionId, { trigger: 'customerAdded', url: 'http://127.0.0.1:8080/hook', pollIntervalSeconds: 1 });
    assert.equal((await service.pause('usr_1', sub.id)).status, 'paused');
    assert.equal((await service.resume('usr_1', sub.id)).status, 'active');
    await service.remove('usr_1', sub.id);
    assert.equal((await refusal(service.get('usr_1', sub.id))).status, 404);
  });

  test('deleting the connection deletes its subscriptions', async () => {
    const sub = await service.create('usr_1', connectionId, { trigger: 'customerAdded', url: 'http://127.0.0.1:8080/hook' });
    await store.store.deleteFrom('connections').where('id', '=', connectionId).execute();
    assert.equal((await refusal(service.get('usr_1', sub.id))).status, 404);
  });
});
