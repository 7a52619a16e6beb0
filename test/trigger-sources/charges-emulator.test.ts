// chargeAdded against the emulator's charges: real card outcomes mapped to the documented shape,
// 500 charges in one second polled once each, and webhook mode end to end — the emulator POSTs its
// signed events to a receiver that does what the inbound route will do (verify the raw body, ingest,
// then answer 200), including a webhook Stripe sends twice.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { chargeAdded } from '../../src/connector/triggers/charge-added.js';
import { pollStep } from '../../src/trigger-sources/poll-step.js';
import { verifyStripeWebhook } from '../../src/stripe/webhook-signature.js';
import { ingestStripeEvent } from '../../src/trigger-sources/webhook-ingest.js';
import { startTriggerHarness, T0, type TriggerHarness } from './trigger-harness.js';

const ajv = new Ajv({ strict: true });
addFormats.default(ajv);

describe('chargeAdded against the emulator', () => {
  let h: TriggerHarness;
  const deliveredData = async (subscriptionId: string) => (await h.deliveredTo(subscriptionId)).map((row) => row.data);
  const poll = () => pollStep({ db: h.db, stripe: h.stripe, trigger: chargeAdded, connectionId: 'conn_1', nowMs: T0 * 1000 });

  before(async () => {
    h = await startTriggerHarness({
      emulator: { webhooks: { retryDelaysMs: [20, 40, 60], timeoutMs: 2_000, reorderHoldMs: 50 } },
    });
  });
  after(() => h?.close());
  beforeEach(() => h.reset());

  test('succeeded and declined charges come out in the documented shape, with Stripe’s outcome', async () => {
    await h.subscribe('sub_p', 'chargeAdded');
    const paid = await h.stripe.charges.create({ amount: 2000, currency: 'usd', source: 'tok_visa', description: 'Order 42' });
    await assert.rejects(h.stripe.charges.create({ amount: 500, currency: 'usd', source: 'tok_chargeDeclined' }), Stripe.errors.StripeCardError);
    await poll();
    // Both were created in the same (frozen) second: told apart by id, not by their order.
    const delivered = await deliveredData('sub_p');
    assert.equal(delivered.length, 2);
    const ok = delivered.find((data) => data.id === paid.id);
    const declined = delivered.find((data) => data.id !== paid.id);
    for (const shape of [ok, declined]) assert.ok(ajv.validate(chargeAdded.output, shape), ajv.errorsText());
    assert.deepEqual(
      { status: ok!.status, paid: ok!.paid, captured: ok!.captured, description: ok!.description, created: ok!.created },
      { status: 'succeeded', paid: true, captured: true, description: 'Order 42', created: '2026-11-18T11:06:40Z' },
    );
    assert.deepEqual(ok!.outcome, {
      network_status: 'approved_by_network',
      reason: null,
      risk_level: 'normal',
      seller_message: 'Payment complete.',
      type: 'authorized',
    });
    assert.deepEqual(
      { status: declined!.status, paid: declined!.paid, failure_code: declined!.failure_code, failure_message: declined!.failure_message },
      { status: 'failed', paid: false, failure_code: 'card_declined', failure_message: 'Your card was declined.' },
    );
  });

  test('500 charges created within one second are each enqueued exactly once', async () => {
    await h.subscribe('sub_p', 'chargeAdded');
    const bulk = await h.control('/_emulator/bulk', `type=charges&count=500&created_from=${T0 + 5}&created_to=${T0 + 5}`);
    assert.equal(bulk.count, 500);
    const first = await poll();
    const again = await poll();
    assert.equal(first.enqueued, 500);
    assert.equal(again.enqueued, 0);
    const ids = (await deliveredData('sub_p')).map((d) => d.id);
    assert.equal(new Set(ids).size, 500);
  });

  test('webhook mode: the emulator’s signed charge webhooks, one of them sent twice, are stored once each', async () => {
    await h.subscribe('sub_w', 'chargeAdded', { mode: 'webhook' });
    const endpointSecret: { value?: string } = {};
    const acknowledged: string[] = [];
    let resolveThree: () => void = () => {};
    const three = new Promise<void>((resolve) => (resolveThree = resolve));
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void (async () => {
          try {
            const event = verifyStripeWebhook(Buffer.concat(chunks), req.headers['stripe-signature'], endpointSecret.value, {
              nowMs: h.emulator.clock.nowMs(),
            });
            await ingestStripeEvent({ db: h.db, connectionId: 'conn_1', event, nowMs: h.emulator.clock.nowMs() });
            acknowledged.push(event.id);
            res.writeHead(200).end();
            if (acknowledged.length === 3) resolveThree();
          } catch {
            res.writeHead(400).end();
          }
        })();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = await h.stripe.webhookEndpoints.create({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe/conn_1`,
        enabled_events: ['charge.pending', 'charge.succeeded', 'charge.failed'],
      });
      endpointSecret.value = endpoint.secret;
      await h.control('/_emulator/faults', 'kind=webhook_duplicate&next=1');
      const a = await h.stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa' });
      const b = await h.stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_mastercard' });
      await three;
      assert.equal(acknowledged.length, 3, 'two events, the first sent twice');
      assert.equal(acknowledged[0], acknowledged[1]);
      assert.deepEqual((await deliveredData('sub_w')).map((d) => d.id).sort(), [a.id, b.id].sort());
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
