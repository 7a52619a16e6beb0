// The inbound route POST /webhooks/stripe/{connectionId} over real HTTP: the emulator's signed
// webhooks reach the connector (PUBLIC_URL = its port-0 address) and come out as signed
// deliveries to a local subscriber; forged, stale and repeated events are handled.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { SIGNATURE_REFUSED_MESSAGE } from '../../src/trigger-sources/inbound-webhook.js';
import { startWebhookWorld, type WebhookWorld } from './webhook-harness.js';

describe('inbound Stripe webhooks', () => {
  let world: WebhookWorld;

  before(async () => {
    world = await startWebhookWorld();
  });
  after(() => world?.close());

  /** Until the emulator has had `count` answers from the connector (each one sent after the ingest committed). */
  const answeredByConnector = async (apiKey: string, count: number) =>
    (await world.webhookLogUntil(apiKey, `${count} answers`, (log) => log.filter((d) => d.http_status !== null).length >= count)).filter(
      (d) => d.http_status !== null,
    );
  const subscribe = (trigger: string) => world.subscribe(trigger, 'webhook');

  const post = (connectionId: string, body: string, signature?: string) =>
    fetch(`${world.url}/webhooks/stripe/${connectionId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...(signature === undefined ? {} : { 'stripe-signature': signature }) },
      body,
    });

  const sign = (payload: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) =>
    Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });

  function eventAbout(object: { id: string; object: string }, type: string, id = `evt_test_${type.replace('.', '_')}_${object.id}`) {
    return JSON.stringify({ id, object: 'event', type, created: Math.floor(Date.now() / 1000), livemode: false, data: { object } }, null, 2);
  }

  const deliveriesOf = (subscriptionId: string) =>
    world.db.selectFrom('deliveries').selectAll().where('subscription_id', '=', subscriptionId).execute();

  test('a customer created in Stripe reaches the subscriber through the real webhook, signed', async () => {
    const { stripe, subscriptionId } = await subscribe('customerAdded');
    const before = world.subscriber.received.length;
    const customer = await stripe.customers.create({ email: 'webhook@example.com' });
    const received = await world.subscriber.waitFor(before + 1);
    const delivered = received.find((d) => d.body.subscription === subscriptionId)!;
    assert.equal(delivered.body.type, 'customerAdded');
    assert.equal(delivered.body.data.id, customer.id);
    assert.equal(delivered.body.data.email, 'webhook@example.com');
  });

  test('a forged, stale, future, missing or tampered Stripe-Signature, or an unknown connection, is a 400 with nothing stored', async () => {
    const { connectionId, apiKey, stripe } = await subscribe('customerAdded');
    const secret = (await world.services.webhookEndpoints.secretFor(connectionId))!;
    const customer = await stripe.customers.create({ email: 'forged@example.com' });
    await answeredByConnector(apiKey, 1);
    const storedBefore = await world.count('trigger_events', connectionId);
    const body = eventAbout(customer as unknown as { id: string; object: string }, 'customer.created', 'evt_forged_1');
    const nowSeconds = Math.floor(Date.now() / 1000);
    const attempts: [string, Promise<Response>][] = [
      ['another secret', post(connectionId, body, sign(body, 'whsec_not_the_endpoints_secret'))],
      ['stale by 400 s', post(connectionId, body, sign(body, secret, nowSeconds - 400))],
      ['400 s in the future', post(connectionId, body, sign(body, secret, nowSeconds + 400))],
      ['no header', post(connectionId, body)],
      ['a malformed header', post(connectionId, body, 'v1=abc')],
      ['a body other than the signed one', post(connectionId, body.replace('forged@', 'victim@'), sign(body, secret))],
      ['an unknown connection', post('conn_unknown', body, sign(body, secret))],
    ];
    for (const [what, answer] of attempts) {
      const response = await answer;
      assert.equal(response.status, 400, what);
      const text = await response.text();
      assert.equal((JSON.parse(text) as { error: { message: string } }).error.message, SIGNATURE_REFUSED_MESSAGE, what);
      assert.doesNotMatch(text, /whsec_|stack|tolerance/, what);
    }
    assert.equal(await world.count('trigger_events', connectionId), storedBefore, 'nothing stored');
    const seen = await world.db.selectFrom('stripe_events_seen').select('event_id').where('event_id', '=', 'evt_forged_1').execute();
    assert.deepEqual(seen, []);
    // The same body signed with the endpoint's secret, now, is accepted: the refusals were the signature's.
    assert.equal((await post(connectionId, body, sign(body, secret))).status, 200);
  });

  test('one Stripe event posted three times is acknowledged each time and delivered once', async () => {
    const { connectionId, stripe, subscriptionId } = await subscribe('invoiceItemAdded');
    const secret = (await world.services.webhookEndpoints.secretFor(connectionId))!;
    // The emulator's own invoiceitem.created (another event id, the same item) may arrive too; it adds nothing.
    const customer = await stripe.customers.create({});
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' });
    const body = eventAbout(item as unknown as { id: string; object: string }, 'invoiceitem.created', 'evt_thrice');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await (await post(connectionId, body, sign(body, secret))).json());
    assert.deepEqual(answers.slice(1), [{ received: true, duplicate: true }, { received: true, duplicate: true }]);
    const deliveries = await deliveriesOf(subscriptionId);
    assert.equal(deliveries.length, 1, 'one delivery for the item');
    assert.equal(deliveries[0]!.stripe_object_id, item.id);
  });

  test('a webhook the emulator sends twice (duplication fault) is delivered to the subscriber once', async () => {
    const { apiKey, stripe, subscriptionId } = await subscribe('customerAdded');
    const fault = await fetch(`${world.emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'webhook_duplicate', next: 1 }),
    });
    assert.equal(fault.status, 200);
    const customer = await stripe.customers.create({});
    const answered = await answeredByConnector(apiKey, 2);
    assert.ok(answered.some((d) => d.duplicate), 'the emulator did send a copy');
    assert.ok(answered.every((d) => d.http_status === 200), 'both acknowledged');
    const deliveries = await deliveriesOf(subscriptionId);
    assert.deepEqual(deliveries.map((d) => d.stripe_object_id), [customer.id]);
  });

  test('charge.pending then charge.succeeded for one charge is one chargeAdded', async () => {
    const { connectionId, apiKey, stripe, subscriptionId } = await subscribe('chargeAdded');
    const secret = (await world.services.webhookEndpoints.secretFor(connectionId))!;
    const charge = await stripe.charges.create({ amount: 2000, currency: 'usd', source: 'tok_visa' });
    // The emulator sends charge.succeeded; the charge.pending Stripe sends first for an
    // asynchronous payment is posted here, signed with the endpoint's secret.
    const pending = eventAbout({ ...(charge as unknown as { id: string; object: string }), status: 'pending' } as { id: string; object: string }, 'charge.pending');
    assert.equal((await post(connectionId, pending, sign(pending, secret))).status, 200);
    // Once the emulator's charge.succeeded is answered, its ingest has committed.
    await answeredByConnector(apiKey, 1);
    const deliveries = await deliveriesOf(subscriptionId);
    assert.deepEqual(deliveries.map((d) => d.stripe_object_id), [charge.id]);
  });
});
