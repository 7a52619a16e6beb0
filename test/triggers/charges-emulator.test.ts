// chargeAdded against the emulator's charges: real card outcomes mapped to the documented shape,
// 500 charges in one second polled once each, and webhook mode end to end — the emulator POSTs its
// signed events to a receiver that does what the inbound route will do (verify the raw body, ingest,
// then answer 200), including a webhook Stripe sends twice.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kysely } from 'kysely';
import Stripe from 'stripe';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { createStripeClient } from '../../src/stripe/client.js';
import { chargeAdded } from '../../src/connector/triggers/charge-added.js';
import type { OutboxDatabase, SubscriptionRow } from '../../src/delivery/outbox-tables.js';
import { pollStep } from '../../src/triggers/poll-step.js';
import { verifyStripeWebhook } from '../../src/stripe/webhook-signature.js';
import { ingestStripeEvent } from '../../src/triggers/webhook-ingest.js';
import { openTestStore, type TestStore, clearTriggerState } from '../delivery/store-fixture.js';

const ajv = new Ajv({ strict: true });
addFormats.default(ajv);
const T0 = 1_795_000_000;

describe('chargeAdded against the emulator', () => {
  let emulator: RunningEmulator;
  let store: TestStore;
  let db: Kysely<OutboxDatabase>;
  let stripe: Stripe;
  let apiKey: string;
  let keyCounter = 0;

  const control = (path: string, body: string) =>
    fetch(`${emulator.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    }).then(async (res) => {
      assert.equal(res.status, 200, await res.clone().text());
      return res.json() as Promise<Record<string, unknown>>;
    });

  async function subscribe(id: string, overrides: Partial<SubscriptionRow> = {}) {
    await db
      .insertInto('subscriptions')
      .values({
        id,
        user_id: 'usr_1',
        connection_id: 'conn_1',
        trigger: 'chargeAdded',
        url: 'http://127.0.0.1:9/hook',
        mode: 'poll',
        poll_interval_seconds: 120,
        secret_ciphertext: 'sealed',
        status: 'active',
        since: new Date(T0 * 1000).toISOString(),
        created_at: new Date(T0 * 1000).toISOString(),
        ...overrides,
      })
      .execute();
  }
  const deliveredData = async (subscriptionId: string) =>
    (
      await db
        .selectFrom('deliveries')
        .innerJoin('trigger_events', 'trigger_events.id', 'deliveries.event_id')
        .select(['trigger_events.data'])
        .where('deliveries.subscription_id', '=', subscriptionId)
        .orderBy('deliveries.object_created')
        .execute()
    ).map((row) => JSON.parse(row.data) as Record<string, unknown>);

  before(async () => {
    emulator = await startEmulator({
      port: 0,
      rateLimitPerSecond: false,
      clock: { startMs: T0 * 1000, frozen: true },
      webhooks: { retryDelaysMs: [20, 40, 60], timeoutMs: 2_000, reorderHoldMs: 50 },
    });
    store = await openTestStore();
    db = store.db;
  });

  after(async () => {
    await store.close();
    await emulator.stop();
  });

  beforeEach(async () => {
    await clearTriggerState(db);
    apiKey = `sk_test_charges${process.pid}x${++keyCounter}`;
    stripe = createStripeClient({ apiKey, apiBase: emulator.url, requestsPerSecond: false });
  });

  test('succeeded and declined charges come out in the documented shape, with Stripe’s outcome', async () => {
    await subscribe('sub_p');
    const paid = await stripe.charges.create({ amount: 2000, currency: 'usd', source: 'tok_visa', description: 'Order 42' });
    await assert.rejects(stripe.charges.create({ amount: 500, currency: 'usd', source: 'tok_chargeDeclined' }), Stripe.errors.StripeCardError);
    await pollStep({ db, stripe, trigger: chargeAdded, connectionId: 'conn_1', nowMs: T0 * 1000 });
    const [ok, declined] = await deliveredData('sub_p');
    for (const shape of [ok, declined]) assert.ok(ajv.validate(chargeAdded.output, shape), ajv.errorsText());
    assert.equal(ok!.id, paid.id);
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
    await subscribe('sub_p');
    const bulk = await control('/_emulator/bulk', `type=charges&count=500&created_from=${T0 + 5}&created_to=${T0 + 5}`);
    assert.equal(bulk.count, 500);
    const first = await pollStep({ db, stripe, trigger: chargeAdded, connectionId: 'conn_1', nowMs: T0 * 1000 });
    const again = await pollStep({ db, stripe, trigger: chargeAdded, connectionId: 'conn_1', nowMs: T0 * 1000 });
    assert.equal(first.enqueued, 500);
    assert.equal(again.enqueued, 0);
    const ids = (await deliveredData('sub_p')).map((d) => d.id);
    assert.equal(new Set(ids).size, 500);
  });

  test('webhook mode: the emulator’s signed charge webhooks, one of them sent twice, are stored once each', async () => {
    await subscribe('sub_w', { mode: 'webhook' });
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
              nowMs: emulator.clock.nowMs(),
            });
            await ingestStripeEvent({ db, connectionId: 'conn_1', event, nowMs: emulator.clock.nowMs() });
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
      const endpoint = await stripe.webhookEndpoints.create({
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/stripe/conn_1`,
        enabled_events: ['charge.pending', 'charge.succeeded', 'charge.failed'],
      });
      endpointSecret.value = endpoint.secret;
      await control('/_emulator/faults', 'kind=webhook_duplicate&next=1');
      const a = await stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_visa' });
      const b = await stripe.charges.create({ amount: 1000, currency: 'usd', source: 'tok_mastercard' });
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
