import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Webhook } from 'standardwebhooks';
import { generateSubscriptionSecret, signDelivery } from '../../src/delivery/signing.js';

const body = JSON.stringify({ id: 'evt_1', type: 'chargeAdded', data: { id: 'ch_1' } });

describe('delivery signatures (Standard Webhooks)', () => {
  test('a new subscription secret is whsec_ with 32 random bytes, different every time', () => {
    const a = generateSubscriptionSecret();
    const b = generateSubscriptionSecret();
    assert.match(a, /^whsec_[A-Za-z0-9+/]+=*$/);
    assert.equal(Buffer.from(a.slice('whsec_'.length), 'base64').length, 32);
    assert.notEqual(a, b);
  });

  test('a subscriber verifies a delivery with the standardwebhooks library', () => {
    const secret = generateSubscriptionSecret();
    const headers = signDelivery({ secret, webhookId: 'msg_sub1_ch_1', timestamp: new Date(), body });
    assert.equal(headers['webhook-id'], 'msg_sub1_ch_1');
    assert.match(headers['webhook-signature'], /^v1,/);
    assert.deepEqual(new Webhook(secret).verify(body, { ...headers }), JSON.parse(body));
  });

  test('the timestamp header is whole unix seconds of the attempt', () => {
    const headers = signDelivery({
      secret: generateSubscriptionSecret(),
      webhookId: 'msg_1',
      timestamp: new Date('2026-11-26T05:00:00.900Z'),
      body,
    });
    assert.equal(headers['webhook-timestamp'], String(Date.parse('2026-11-26T05:00:00Z') / 1000));
  });

  test('a delivery signed with another subscription’s secret, or a changed body, does not verify', () => {
    const secret = generateSubscriptionSecret();
    const headers = signDelivery({ secret, webhookId: 'msg_1', timestamp: new Date(), body });
    assert.throws(() => new Webhook(generateSubscriptionSecret()).verify(body, { ...headers }), /No matching signature/);
    assert.throws(() => new Webhook(secret).verify(body.replace('ch_1', 'ch_2'), { ...headers }), /No matching signature/);
  });

  test('a retry keeps the webhook-id and is signed afresh for its own time', () => {
    const secret = generateSubscriptionSecret();
    const first = signDelivery({ secret, webhookId: 'msg_1', timestamp: new Date(Date.now() - 60_000), body });
    const retry = signDelivery({ secret, webhookId: 'msg_1', timestamp: new Date(), body });
    assert.equal(retry['webhook-id'], first['webhook-id']);
    assert.notEqual(retry['webhook-signature'], first['webhook-signature']);
    assert.ok(new Webhook(secret).verify(body, { ...retry }));
  });
});
