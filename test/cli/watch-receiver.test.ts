// watch's listener on 127.0.0.1 port 0, sent real signed requests with the standardwebhooks package.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { startWatchReceiver, type WatchReceiver } from '../../src/cli/watch-receiver.js';
import { generateSubscriptionSecret } from '../../src/delivery/signing.js';

describe("watch's receiver", () => {
  const secret = generateSubscriptionSecret();
  const events: unknown[] = [];
  const refusals: string[] = [];
  let receiver: WatchReceiver;

  before(async () => {
    receiver = await startWatchReceiver({ onEvent: (e) => events.push(e), onRefused: (r) => refusals.push(r), onError: (e) => assert.fail(e) });
  });
  after(() => receiver?.close());

  function post(webhookId: string, body: unknown, signWith = secret): Promise<Response> {
    const raw = JSON.stringify(body);
    const timestamp = new Date();
    const signature = new Webhook(signWith).sign(webhookId, timestamp, raw);
    return fetch(`${receiver.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature },
      body: raw,
    });
  }

  test('a request that arrives before the secret is known waits for it, then is taken', async () => {
    const early = post('msg_early', { id: 'msg_early' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(events.length, 0);
    receiver.setSecret(secret);
    assert.equal((await early).status, 204);
    assert.deepEqual(events, [{ id: 'msg_early' }]);
  });

  test('a repeated webhook-id is answered 2xx and not passed on twice', async () => {
    events.length = 0;
    assert.equal((await post('msg_twice', { id: 'msg_twice' })).status, 204);
    assert.equal((await post('msg_twice', { id: 'msg_twice' })).status, 204);
    assert.deepEqual(events, [{ id: 'msg_twice' }]);
  });

  test('a request signed with another secret is refused with 401 and not passed on', async () => {
    events.length = 0;
    const response = await post('msg_forged', { id: 'msg_forged' }, generateSubscriptionSecret());
    assert.equal(response.status, 401);
    assert.deepEqual(events, []);
    assert.match(refusals.at(-1) ?? '', /signature does not verify/);
  });
});
