// A delivery whose subscription secret cannot be opened (sealed under another master key, or
// damaged) on a real store: every attempt is in its history with the reason, it is retried with
// the usual backoff and ends failed after 24 h, instead of failing unseen on every lease.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { openTestStore, insertSubscription } from '../support/store-fixture.js';
import { createKeyCipher } from '../../src/connections/key-cipher.js';
import { enqueueTriggerEvents } from '../../src/delivery/enqueue.js';
import { DeliveryWorker } from '../../src/delivery/worker.js';
import { listDeliveryPage } from '../../src/store/deliveries/history.js';

test('a delivery whose secret does not open is recorded as a failed attempt each time, retried, and failed after 24 hours; nothing is sent', async () => {
  const store = await openTestStore();
  let requests = 0;
  const subscriber = http.createServer((_req, res) => {
    requests += 1;
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => subscriber.listen(0, '127.0.0.1', resolve));
  try {
    const serverCipher = createKeyCipher(randomBytes(32));
    const otherCipher = createKeyCipher(randomBytes(32));
    const url = `http://127.0.0.1:${(subscriber.address() as AddressInfo).port}/hook`;
    // Sealed under a key the worker does not hold.
    await insertSubscription(store.db, 'sub_foreign', 'chargeAdded', 1_795_000_000, {
      url,
      secret_ciphertext: otherCipher.seal('whsec_c2VjcmV0c2VjcmV0c2VjcmV0', 'sub_foreign'),
    });
    let clockMs = Date.parse('2026-11-26T05:00:00Z');
    await enqueueTriggerEvents(
      store.db,
      { connectionId: 'conn_1', trigger: 'chargeAdded', objects: [{ stripeObjectId: 'ch_1', objectCreated: 1_795_000_000, data: { id: 'ch_1' }, subscriptionIds: ['sub_foreign'] }] },
      clockMs,
    );
    const worker = new DeliveryWorker({
      db: store.db,
      openSecret: (row) => serverCipher.open(row.secret_ciphertext, row.id),
      send: { allowPrivate: true, timeoutMs: 2_000 },
      nowMs: () => clockMs,
      random: () => 0,
    });

    assert.equal(await worker.runOnce(), 1);
    let delivery = await store.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'pending', 'retried like any failure');
    assert.equal(delivery.attempts, 1);
    assert.match(delivery.last_error ?? '', /secret could not be opened/);
    assert.ok(Date.parse(delivery.next_attempt_at) > clockMs, 'the retry waits for the backoff');
    assert.equal(await worker.runOnce(), 0, 'not due again before its backoff');

    clockMs += 24 * 60 * 60 * 1000;
    assert.equal(await worker.runOnce(), 1);
    delivery = await store.db.selectFrom('deliveries').selectAll().executeTakeFirstOrThrow();
    assert.equal(delivery.status, 'failed', 'ends failed after its 24 h window');
    assert.equal(delivery.attempts, 2);
    clockMs += 24 * 60 * 60 * 1000;
    assert.equal(await worker.runOnce(), 0, 'a failed delivery is not tried again on its own');

    const page = await listDeliveryPage(store.db, { subscriptionId: 'sub_foreign' });
    const history = page.deliveries[0]!.attempt_history;
    assert.deepEqual(history.map((a) => a.attempt), [1, 2]);
    for (const attempt of history) {
      assert.equal(attempt.status_code, null);
      assert.match(attempt.error ?? '', /signing secret could not be opened/);
    }
    assert.equal(requests, 0, 'an unsigned or wrongly signed request is never sent');
  } finally {
    subscriber.closeAllConnections();
    await new Promise<void>((resolve) => subscriber.close(() => resolve()));
    await store.close();
  }
});
