import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Stripe from 'stripe';
import { startHarness, type Harness } from './harness.js';
import { eventually } from '../support/eventually.js';
import { startReceiver, type Receiver } from './webhook-receiver.js';

// A compressed retry schedule: three retries, as Stripe test mode, after 20, 40 and 60 ms.
const RETRY_DELAYS_MS = [20, 40, 60];

let h: Harness;
let receiver: Receiver;
before(async () => {
  h = await startHarness({ webhooks: { retryDelaysMs: RETRY_DELAYS_MS, timeoutMs: 300, reorderHoldMs: 2000 } });
});
after(() => h?.stop());

async function withReceiver<T>(fn: (r: Receiver) => Promise<T>): Promise<T> {
  receiver = await startReceiver();
  try {
    return await fn(receiver);
  } finally {
    await receiver.stop();
  }
}

interface LoggedAttempt {
  event: string;
  event_type: string;
  endpoint: string;
  attempt: number;
  outcome: string;
  http_status: number | null;
  error: string | null;
  created: number;
  next_retry_at: number | null;
  duplicate: boolean;
}

async function deliveryLog(key: string, query = ''): Promise<{ data: LoggedAttempt[]; pending_retries: unknown[] }> {
  const response = await h.raw('GET', `/_emulator/webhooks/deliveries${query}`, { key });
  assert.equal(response.status, 200);
  return response.body;
}

async function addFault(key: string, fault: Record<string, unknown>): Promise<void> {
  const response = await h.raw('POST', '/_emulator/faults', {
    key,
    body: JSON.stringify(fault),
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
}

describe('webhook delivery', () => {
  test('an event arrives as a POST whose Stripe-Signature the SDK’s constructEvent verifies', () =>
    withReceiver(async (r) => {
      const stripe = h.stripe();
      const endpoint = await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
      const customer = await stripe.customers.create({ email: 'hook@example.com' });
      const [hook] = await r.waitFor(1);
      assert.match(hook!.signature, /^t=\d+,v1=[0-9a-f]{64}$/);
      assert.equal(hook!.headers['content-type'], 'application/json; charset=utf-8');
      const event = stripe.webhooks.constructEvent(hook!.body, hook!.signature, endpoint.secret!);
      assert.equal(event.type, 'customer.created');
      assert.equal((event.data.object as Stripe.Customer).id, customer.id);
      assert.equal(event.pending_webhooks, 1);
      // The same event, as /v1/events shows it.
      assert.equal((await stripe.events.retrieve(event.id)).id, event.id);
      assert.throws(() => stripe.webhooks.constructEvent(hook!.body, hook!.signature, 'whsec_wrong'), Stripe.errors.StripeSignatureVerificationError);
      assert.throws(() => stripe.webhooks.constructEvent(hook!.body.replace('hook@', 'evil@'), hook!.signature, endpoint.secret!));
    }));

  test('only enabled endpoints subscribed to the type (or to *) receive it', () =>
    withReceiver(async (r) => {
      const key = h.newKey();
      const stripe = h.stripe(key);
      const all = await stripe.webhookEndpoints.create({ url: `${r.url}?all`, enabled_events: ['*'] });
      await stripe.webhookEndpoints.create({ url: `${r.url}?charges`, enabled_events: ['charge.succeeded'] });
      const off = await stripe.webhookEndpoints.create({ url: `${r.url}?off`, enabled_events: ['*'] });
      await stripe.webhookEndpoints.update(off.id, { disabled: true });
      await stripe.customers.create({ name: 'A' });
      await stripe.charges.create({ amount: 500, currency: 'usd', source: 'tok_visa' });
      await r.waitFor(3);
      const log = await eventually(() => deliveryLog(key), (l) => l.data.length === 3);
      assert.deepEqual(
        log.data.map((a) => [a.event_type, a.endpoint === all.id ? 'all' : 'charges']).sort(),
        [['charge.succeeded', 'all'], ['charge.succeeded', 'charges'], ['customer.created', 'all']],
      );
      assert.equal(r.received.length, 3);
    }));

  test('a receiver that answers 500 is retried on the backoff schedule until it answers 2xx, and the log shows each attempt', () =>
    withReceiver(async (r) => {
      const key = h.newKey();
      const stripe = h.stripe(key);
      const endpoint = await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
      r.answers.push(500, 503);
      await stripe.customers.create({ name: 'Retry me' });
      const hooks = await r.waitFor(3);
      assert.equal(new Set(hooks.map((w) => w.eventId)).size, 1, 'every attempt carries the same event');
      for (const hook of hooks) stripe.webhooks.constructEvent(hook.body, hook.signature, endpoint.secret!);
      const log = await eventually(() => deliveryLog(key), (l) => l.data.length === 3);
      assert.deepEqual(
        log.data.map((a) => [a.attempt, a.outcome, a.http_status]),
        [
          [1, 'failed', 500],
          [2, 'failed', 503],
          [3, 'succeeded', 200],
        ],
      );
      assert.equal(log.data[0]!.endpoint, endpoint.id);
      assert.equal(log.data[0]!.event, hooks[0]!.eventId);
      assert.equal(typeof log.data[0]!.next_retry_at, 'number');
      assert.equal(log.data[2]!.next_retry_at, null);
      assert.deepEqual(log.pending_retries, []);
      const event = await stripe.events.retrieve(hooks[0]!.eventId);
      assert.equal(event.pending_webhooks, 0);
    }));

  test('a receiver that never succeeds gets the first attempt and three retries, then the delivery is marked failed', () =>
    withReceiver(async (r) => {
      const key = h.newKey();
      const stripe = h.stripe(key);
      await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['*'] });
      r.answers.push(500, 'hang', 500, 500);
      await stripe.customers.create({ name: 'Never' });
      const log = await eventually(() => deliveryLog(key), (l) => l.data.length === 4);
      assert.deepEqual(log.data.map((a) => a.outcome), ['failed', 'failed', 'failed', 'failed']);
      assert.equal(log.data[1]!.http_status, null);
      assert.match(log.data[1]!.error ?? '', /no answer within 300 ms/);
      assert.match(log.data[3]!.error ?? '', /no retries left/);
      assert.equal(r.received.length, 4);
    }));

  test('with a long schedule, moving the emulated clock past the due time and asking for due retries sends them', async () => {
    const slow = await startHarness({ clock: { frozen: true }, webhooks: { retryDelaysMs: [3_600_000] } });
    const r = await startReceiver();
    try {
      const key = slow.newKey();
      const stripe = slow.stripe(key);
      const endpoint = await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['*'] });
      r.answers.push(500);
      await stripe.customers.create({ name: 'Later' });
      await r.waitFor(1);
      const pending = await eventually(
        async () => (await slow.raw('GET', '/_emulator/webhooks/deliveries', { key })).body,
        (b) => b.pending_retries.length === 1,
      );
      assert.equal(pending.pending_retries[0].attempt, 2);
      const early = await slow.raw('POST', '/_emulator/webhooks/retry_due', { key });
      assert.equal(early.body.sent, 0);
      await slow.raw('POST', '/_emulator/clock', { body: 'advance_seconds=3600' });
      const due = await slow.raw('POST', '/_emulator/webhooks/retry_due', { key });
      assert.equal(due.body.sent, 1);
      const hooks = await r.waitFor(2);
      assert.equal(hooks[1]!.eventId, hooks[0]!.eventId);
      // The retry is signed at the emulated time it was sent.
      const retriedAt = Math.floor(slow.emulator.clock.nowMs() / 1000);
      assert.equal(hooks[1]!.signature.split(',')[0], `t=${retriedAt}`);
      stripe.webhooks.constructEvent(hooks[1]!.body, hooks[1]!.signature, endpoint.secret!, 300, undefined, retriedAt);
    } finally {
      await r.stop();
      await slow.stop();
    }
  });
});

describe('webhook faults', () => {
  test('webhook_drop with next=1 loses the next delivery, logged as dropped, and the rest arrive', () =>
    withReceiver(async (r) => {
      const key = h.newKey();
      const stripe = h.stripe(key);
      await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
      await addFault(key, { kind: 'webhook_drop', next: 1 });
      const first = await stripe.customers.create({ name: 'one' });
      const second = await stripe.customers.create({ name: 'two' });
      const [hook] = await r.waitFor(1);
      assert.equal((JSON.parse(hook!.body).data.object as Stripe.Customer).id, second.id);
      const log = await eventually(() => deliveryLog(key), (l) => l.data.length === 2);
      assert.equal(log.data[0]!.outcome, 'dropped');
      const events = await stripe.events.list({ type: 'customer.created' });
      assert.equal((events.data.find((e) => (e.data.object as Stripe.Customer).id === first.id)!).id, log.data[0]!.event);
      assert.equal(r.received.length, 1);
    }));

  test('webhook_duplicate with next=1 delivers the same event twice, both verifiable', () =>
    withReceiver(async (r) => {
      const key = h.newKey();
      const stripe = h.stripe(key);
      const endpoint = await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
      await addFault(key, { kind: 'webhook_duplicate', next: 1 });
      await stripe.customers.create({ name: 'twice' });
      await stripe.customers.create({ name: 'once' });
      const hooks = await r.waitFor(3);
      assert.equal(hooks[0]!.eventId, hooks[1]!.eventId);
      assert.notEqual(hooks[2]!.eventId, hooks[0]!.eventId);
      for (const hook of hooks) stripe.webhooks.constructEvent(hook.body, hook.signature, endpoint.secret!);
      const log = await eventually(() => deliveryLog(key), (l) => l.data.length === 3);
      assert.deepEqual(log.data.map((a) => a.duplicate), [false, true, false]);
    }));

  test('webhook_reorder with next=3 sends the next three deliveries in reverse order', () =>
    withReceiver(async (r) => {
      const key = h.newKey();
      const stripe = h.stripe(key);
      await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
      await addFault(key, { kind: 'webhook_reorder', next: 3 });
      const names = ['a', 'b', 'c', 'd'];
      for (const name of names) await stripe.customers.create({ name });
      const hooks = await r.waitFor(4);
      assert.deepEqual(
        hooks.map((w) => (JSON.parse(w.body).data.object as Stripe.Customer).name),
        ['c', 'b', 'a', 'd'],
      );
    }));
  test('webhook_reorder with next=1 swaps the next delivery with the one after it', () =>
    withReceiver(async (r) => {
      const key = h.newKey();
      const stripe = h.stripe(key);
      await stripe.webhookEndpoints.create({ url: r.url, enabled_events: ['customer.created'] });
      await addFault(key, { kind: 'webhook_reorder', next: 1 });
      for (const name of ['a', 'b', 'c']) await stripe.customers.create({ name });
      const hooks = await r.waitFor(3);
      assert.deepEqual(
        hooks.map((w) => (JSON.parse(w.body).data.object as Stripe.Customer).name),
        ['b', 'a', 'c'],
      );
    }));

});
